import type { StackConfig } from '../stack-config.js';
import { stackNames } from './names.js';
import { labels, type KubeObject } from './types.js';

export const GENERATOR_API_VERSION = 'generators.external-secrets.io/v1alpha1';
export const EXTERNAL_SECRET_API_VERSION = 'external-secrets.io/v1';

/**
 * The External Secrets side of credential delivery (stack-facts F): a ServiceAccount the generator
 * logs in to Vault with (Kubernetes auth; the Vault role binds exactly this account in this
 * namespace), a VaultDynamicSecret generator reading `<mount>/creds/<role>`, and an ExternalSecret
 * that calls it every refreshInterval and writes `username`/`password` into the app's Secret.
 * Every refresh is a NEW Vault lease and database user.
 */
export function renderEsoResources(cfg: StackConfig): KubeObject[] {
  const n = stackNames(cfg);
  const ns = cfg.namespace;
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: cfg.eso.serviceAccount, namespace: ns, labels: labels('vaultctl-eso') },
    },
    {
      apiVersion: GENERATOR_API_VERSION,
      kind: 'VaultDynamicSecret',
      metadata: { name: n.generator, namespace: ns, labels: labels('demo-app') },
      spec: {
        path: `${cfg.vault.databaseMount}/creds/${cfg.vault.role}`,
        method: 'GET',
        // `Data` puts the keys of Vault's `data` (username, password) into the Secret as they are.
        resultType: 'Data',
        provider: {
          server: n.vaultAddressInCluster,
          auth: {
            kubernetes: {
              mountPath: cfg.vault.kubernetesAuthMount,
              role: cfg.vault.authRole,
              serviceAccountRef: { name: cfg.eso.serviceAccount },
            },
          },
        },
      },
    },
    {
      apiVersion: EXTERNAL_SECRET_API_VERSION,
      kind: 'ExternalSecret',
      metadata: { name: n.externalSecret, namespace: ns, labels: labels('demo-app') },
      spec: {
        refreshPolicy: 'Periodic',
        refreshInterval: goDuration(cfg.eso.refreshIntervalMs),
        target: { name: n.appSecret, creationPolicy: 'Owner' },
        dataFrom: [{ sourceRef: { generatorRef: { apiVersion: GENERATOR_API_VERSION, kind: 'VaultDynamicSecret', name: n.generator } } }],
      },
    },
  ];
}

/** Milliseconds as a Go `time.ParseDuration` string in the largest exact unit (`1m`, `90s`, `1500ms`). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${Math.round(ms)}ms`;
}
