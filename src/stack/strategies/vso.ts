import { renderDemoApp } from '../manifests/demo-app.js';
import { stackNames } from '../manifests/names.js';
import { labels, namespaceObject, type HelmRelease, type KubeObject } from '../manifests/types.js';
import type { StackConfig } from '../stack-config.js';
import { mountPath } from '../vault-database-engine.js';
import type { LabStrategy, LabVaultRole, LabWait } from './lab-strategy.js';
import { strategyCredsPath } from './creds-path.js';
import { labDatabaseRole } from './names.js';
import { labAppPorts } from './ports.js';
import { VSO_API_VERSION, VSO_CHART, VSO_CONTROLLER_DEPLOYMENT, VSO_CRDS, VSO_NAMES } from './vso-names.js';

/*
 * The `vso` strategy: Vault Secrets Operator reads `<databaseMount>/creds/<role>` into a Secret and
 * rollout-restarts the demo app when it writes new credentials. Facts: ../shared/reference/
 * delivery-strategies.md §1, checked against hashicorp/vault-secrets-operator@v1.4.1 (9b840a5);
 * paths below are in that repository.
 */

const NAMESPACE = 'vaultctl-vso';

/** One kubectl call may block this long inside a poll (the base lab's `attemptSeconds`). */
const attempt = (cfg: StackConfig) => `--timeout=${Math.max(1, Math.round(cfg.waits.intervalMs / 1000))}s`;

function releases(): HelmRelease[] {
  return [{ ...VSO_CHART, valuesFile: 'manifests/values/vault-secrets-operator.yaml', set: {} }];
}

/**
 * The role VSO logs in as for this namespace's VaultAuth. The policy reads the creds and may revoke
 * the VDS's lease: VSO revokes on VDS deletion with `revoke: true` and needs `sys/leases/revoke`
 * (controllers/vaultdynamicsecret_controller.go L831). Renewal (`sys/leases/renew`) is granted by
 * Vault's `default` policy, which the role's tokens carry (facts §1 "Revoke and policy").
 */
function vaultRole(cfg: StackConfig): LabVaultRole {
  return {
    role: VSO_NAMES.vaultRole,
    serviceAccount: VSO_NAMES.serviceAccount,
    namespace: NAMESPACE,
    policy: `${cfg.vault.policy}-vso`,
    paths: {
      [strategyCredsPath(cfg, 'vso')]: ['read'],
      'sys/leases/revoke': ['update'],
    },
  };
}

/** The CRDs are established and the controller is ready, so a broken operator fails here, not as a missing Secret. */
function before(cfg: StackConfig): LabWait[] {
  return [
    { title: 'VSO CRDs established', kubectl: ['wait', '--for=condition=Established', ...VSO_CRDS.map((c) => `crd/${c}`), attempt(cfg)] },
    {
      title: `VSO controller (deployment ${VSO_CONTROLLER_DEPLOYMENT}) ready`,
      kubectl: ['rollout', 'status', `deployment/${VSO_CONTROLLER_DEPLOYMENT}`, '-n', VSO_CHART.namespace, attempt(cfg)],
    },
  ];
}

/**
 * Namespace, the ServiceAccount VSO requests tokens for, VaultConnection → VaultAuth →
 * VaultDynamicSecret, then the demo app copy reading the destination Secret.
 */
function objects(cfg: StackConfig, inputs: { bundle: string }): KubeObject[] {
  const n = stackNames(cfg);
  const role = vaultRole(cfg);
  const meta = (name: string) => ({ name, namespace: NAMESPACE, labels: labels('demo-app') });
  const app = renderDemoApp(cfg, inputs, {
    namespace: NAMESPACE,
    secretName: n.appSecret,
    // No Wave annotation: VSO's restartedAt patch is this copy's only rollout trigger.
    annotations: {},
    // Its own NodePort, published by kind on its own host port: load reaches every pod (strategies/ports.ts).
    nodePort: labAppPorts(cfg, 'vso').nodePort,
  });
  return [
    namespaceObject(NAMESPACE),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: VSO_NAMES.serviceAccount, namespace: NAMESPACE, labels: labels('vaultctl-vso') } },
    {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultConnection',
      metadata: meta(VSO_NAMES.connection),
      // skipTLSVerify is `required` in the CRD (it has a default, but say it): the lab's dev Vault is plain http.
      spec: { address: n.vaultAddressInCluster, skipTLSVerify: false },
    },
    {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultAuth',
      metadata: meta(VSO_NAMES.auth),
      spec: {
        vaultConnectionRef: VSO_NAMES.connection,
        method: 'kubernetes',
        mount: mountPath(cfg.vault.kubernetesAuthMount),
        // The service account must live in the VDS's namespace (api/v1beta1/vaultauth_types.go L17-19).
        kubernetes: { role: role.role, serviceAccount: role.serviceAccount },
      },
    },
    {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultDynamicSecret',
      metadata: meta(VSO_NAMES.dynamicSecret),
      spec: {
        vaultAuthRef: VSO_NAMES.auth,
        mount: mountPath(cfg.vault.databaseMount),
        // Relative to the mount (api/v1beta1/vaultdynamicsecret_types.go L33-36); renewalPercent left at its default 67 (L45).
        path: `creds/${labDatabaseRole(cfg.vault.role, 'vso')}`,
        revoke: true,
        // Keys `username`, `password` (strings stored as-is) and `_raw` (helpers/secrets.go L521-533, L670-700).
        destination: { name: n.appSecret, create: true },
        rolloutRestartTargets: [{ kind: 'Deployment', name: n.appDeployment }],
      },
    },
    ...app.filter((o) => o.kind !== 'Namespace'),
  ];
}

/** The destination Secret written, then the demo app copy rolled out on it. */
function after(cfg: StackConfig): LabWait[] {
  const n = stackNames(cfg);
  return [
    {
      title: `Secret ${n.appSecret} written by VaultDynamicSecret ${VSO_NAMES.dynamicSecret}`,
      kubectl: ['get', 'secret', n.appSecret, '-n', NAMESPACE, '-o', 'name'],
    },
    {
      title: `Deployment ${n.appDeployment} in ${NAMESPACE} rolled out`,
      kubectl: ['rollout', 'status', `deployment/${n.appDeployment}`, '-n', NAMESPACE, attempt(cfg)],
    },
  ];
}

/** The `vso` lab strategy (issue 12). */
export const vsoStrategy: LabStrategy = {
  name: 'vso',
  namespace: () => NAMESPACE,
  releases,
  vaultChartSet: () => ({}),
  vaultRole,
  before,
  objects,
  after,
};
