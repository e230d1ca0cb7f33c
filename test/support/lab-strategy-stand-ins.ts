/**
 * Tiny stand-ins for the lab strategies (src/stack/strategies/lab-strategy.ts), for the pipeline,
 * plan and teardown tests: the shape of each real strategy (a chart, Vault chart values, a role, a
 * wait before and after its objects) without its manifests, which their own tests validate.
 * Chart coordinates as in ../shared/reference/delivery-strategies.md §1-3.
 */
import type { LabStrategy, LabStrategyName } from '../../src/stack/strategies/lab-strategy.js';
import type { LabStrategyTable } from '../../src/stack/strategies/index.js';
import { labels, namespaceObject } from '../../src/stack/manifests/types.js';

type Name = Exclude<LabStrategyName, 'secret-sync-restart'>;

function standIn(name: Name, parts: Partial<Pick<LabStrategy, 'releases' | 'vaultChartSet' | 'before'>>): LabStrategy {
  const ns = `vaultctl-${name}`;
  return {
    name,
    namespace: () => ns,
    releases: parts.releases ?? (() => []),
    vaultChartSet: parts.vaultChartSet ?? (() => ({})),
    vaultRole: (cfg) => ({
      role: `${name}-db`, serviceAccount: 'demo-app', namespace: ns, policy: `db-app-${name}`,
      paths: { [`${cfg.vault.databaseMount}/creds/${cfg.vault.role}`]: ['read'] },
    }),
    before: parts.before ?? (() => []),
    objects: (_cfg, inputs) => [
      namespaceObject(ns),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'demo-app', namespace: ns, labels: labels('demo-app') } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo-app', namespace: ns, labels: labels('demo-app') }, data: { 'server.cjs': inputs.bundle } },
    ],
    after: () => [{ title: `Deployment demo-app rollout in ${ns}`, kubectl: ['rollout', 'status', 'deployment/demo-app', '--namespace', ns] }],
  };
}

/** VSO: its chart (§1), nothing on the Vault chart. */
export const VSO_STAND_IN = standIn('vso', {
  releases: () => [{
    name: 'vault-secrets-operator', namespace: 'vault-secrets-operator', repoName: 'hashicorp', repoUrl: 'https://helm.releases.hashicorp.com',
    chart: 'hashicorp/vault-secrets-operator', version: '1.4.1', valuesFile: '', set: { 'defaultVaultConnection.enabled': 'true' },
  }],
});

/** Agent injector: the Vault chart's injector (§2), waited for before the app (failurePolicy Ignore). */
export const AGENT_STAND_IN = standIn('agent-template', {
  vaultChartSet: () => ({ 'injector.enabled': 'true' }),
  before: (cfg) => [{
    title: 'Vault agent injector', kubectl: ['rollout', 'status', 'deployment/vault-agent-injector', '--namespace', cfg.charts.vault.namespace],
  }],
});

/** CSI: the driver chart with rotation on and the Vault chart's CSI provider (§3). */
export const CSI_STAND_IN = standIn('csi', {
  releases: () => [{
    name: 'csi-secrets-store', namespace: 'kube-system', repoName: 'secrets-store-csi-driver',
    repoUrl: 'https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts', chart: 'secrets-store-csi-driver/secrets-store-csi-driver',
    version: '1.6.0', valuesFile: '', set: { enableSecretRotation: 'true', 'syncSecret.enabled': 'true' },
  }],
  vaultChartSet: () => ({ 'csi.enabled': 'true' }),
});

export const STAND_INS: LabStrategyTable = { vso: VSO_STAND_IN, 'agent-template': AGENT_STAND_IN, csi: CSI_STAND_IN };
