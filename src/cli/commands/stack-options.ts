import { Option } from 'commander';
import { defaultStackConfig } from '../../stack/config/normalize.js';
import { KIND_NODE_IMAGE } from '../../stack/manifests/kind.js';
import { LAB_STRATEGY_NAMES } from '../../stack/strategies/lab-strategy.js';
import { RELOADER_NAMES } from '../../stack/stack-config.js';
import { labAppPorts } from '../../stack/strategies/ports.js';
import type { StackConfig } from '../../stack/stack-config.js';

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

/** `--reloader wave|stakater` (bootstrap only): what rolls the base lab's demo app, replacing the config's `reloader`. */
export function reloaderOption(): Option {
  // No .choices(): an unknown name is checked with the config, so the flag, the variable and the
  // file all fail the same way (exit 2 with the allowed values).
  return new Option('--reloader <name>',
    `what rolls the base lab's demo app when its Secret changes: ${RELOADER_NAMES.join(' or ')} (Stakater Reloader), never both; ` +
    `default: reloader in vaultctl.yaml, else ${defaultStackConfig().reloader}`)
    .env('VAULTCTL_RELOADER');
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
                        NodePorts published on 127.0.0.1 only: Vault ${c.vaultHostPort} -> ${c.vaultNodePort};
                        each strategy's demo app copy (all mapped, whichever the lab holds):
                        ${appPortsText(c)}
  Vault                 helm ${ch.vault.chart} ${ch.vault.version} (Vault 2.0.4), dev mode, namespace ${ch.vault.namespace};
                        root token generated per lab, kept only in the cluster
  Postgres              ${c.postgres.image} StatefulSet, namespace ${c.postgres.namespace}; admin password
                        generated per lab, kept only in a cluster Secret
  External Secrets      helm ${ch.eso.chart} ${ch.eso.version}, namespace ${ch.eso.namespace}
  Wave                  helm ${ch.wave.chart} ${ch.wave.version} (Wave v0.11.0), namespace ${ch.wave.namespace};
                        or, with --reloader stakater, Stakater Reloader: helm ${ch.reloader.chart} ${ch.reloader.version}
                        (Reloader v1.4.21), namespace ${ch.reloader.namespace}, watching ${c.namespace} only
  Vault configuration   Kubernetes auth (mount ${c.vault.kubernetesAuthMount}, role ${c.vault.authRole}, policy ${c.vault.policy}),
                        database engine (mount ${c.vault.databaseMount}, connection ${c.vault.connection}, role ${c.vault.role})
  Demo app              ${c.app.replicas} replicas on ${c.app.image}, namespace ${c.namespace}, credentials from a
                        VaultDynamicSecret + ExternalSecret (refresh ${c.eso.refreshIntervalMs / 1000}s), rolled by Wave (or Reloader)`;
}

/** "secret-sync-restart 8080 -> 30080, vso 8081 -> 30081, ...", two per line. */
function appPortsText(c: StackConfig): string {
  const each = LAB_STRATEGY_NAMES.map((s) => {
    const p = labAppPorts(c, s);
    return `${s} ${p.hostPort} -> ${p.nodePort}`;
  });
  const lines: string[] = [];
  for (let i = 0; i < each.length; i += 2) lines.push(each.slice(i, i + 2).join(', '));
  return lines.join(',\n                        ');
}
