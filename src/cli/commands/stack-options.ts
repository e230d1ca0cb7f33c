import { Option } from 'commander';
import { defaultStackConfig } from '../../stack/config/normalize.js';
import { KIND_NODE_IMAGE } from '../../stack/manifests/kind.js';
import { LAB_STRATEGY_NAMES } from '../../stack/strategies/lab-strategy.js';

/** The options every stack command shares, each with its environment variable. */
export function stackOptions(): Option[] {
  return [
    new Option('-c, --config <file>', 'lab config (vaultctl.yaml; see manifests/vaultctl.example.yaml); default: built-in defaults').env('VAULTCTL_CONFIG'),
    new Option('--kube-context <context>', 'use this existing kubeconfig context instead of a kind cluster (docker and kind not needed)').env('VAULTCTL_KUBE_CONTEXT'),
    new Option('--name <cluster>', `kind cluster name (context kind-<name>; default "${defaultStackConfig().clusterName}")`).env('VAULTCTL_CLUSTER_NAME'),
    new Option('-q, --quiet', 'no progress lines on stderr').env('VAULTCTL_QUIET'),
  ];
}

/** `--strategies a,b` (bootstrap only): the lab strategies, replacing the config's `strategies`. */
export function strategiesOption(): Option {
  return new Option('--strategies <names>',
    `comma-separated delivery strategies the lab holds, each in its own namespace (${LAB_STRATEGY_NAMES.join(', ')}); ` +
    `default: strategies in vaultctl.yaml, else ${defaultStackConfig().strategies.join(',')}`)
    .env('VAULTCTL_STRATEGIES')
    .argParser(splitNames);
}

/** "vso, csi," -> ["vso", "csi"]; the names are checked with the config (an unknown one exits 2). */
export function splitNames(text: string): string[] {
  return text.split(',').map((n) => n.trim()).filter((n) => n !== '');
}

/** What bootstrap installs, with the default versions (from the built-in config). */
export function installedComponentsText(): string {
  const c = defaultStackConfig();
  const ch = c.charts;
  return `What gets installed (defaults; every value can be changed in vaultctl.yaml):
  kind cluster          "${c.clusterName}", one node on ${KIND_NODE_IMAGE.split('@')[0]} (Wave 0.11: Kubernetes <= 1.34);
                        NodePorts published on 127.0.0.1 only:
                        Vault ${c.vaultHostPort} -> ${c.vaultNodePort}, demo app ${c.appHostPort} -> ${c.appNodePort}
  Vault                 helm ${ch.vault.chart} ${ch.vault.version} (Vault 2.0.4), dev mode, namespace ${ch.vault.namespace};
                        root token generated per lab, kept only in the cluster
  Postgres              ${c.postgres.image} StatefulSet, namespace ${c.postgres.namespace}; admin password
                        generated per lab, kept only in a cluster Secret
  External Secrets      helm ${ch.eso.chart} ${ch.eso.version}, namespace ${ch.eso.namespace}
  Wave                  helm ${ch.wave.chart} ${ch.wave.version} (Wave v0.11.0), namespace ${ch.wave.namespace}
  Vault configuration   Kubernetes auth (mount ${c.vault.kubernetesAuthMount}, role ${c.vault.authRole}, policy ${c.vault.policy}),
                        database engine (mount ${c.vault.databaseMount}, connection ${c.vault.connection}, role ${c.vault.role})
  Demo app              ${c.app.replicas} replicas on ${c.app.image}, namespace ${c.namespace}, credentials from a
                        VaultDynamicSecret + ExternalSecret (refresh ${c.eso.refreshIntervalMs / 1000}s), rolled by Wave`;
}
