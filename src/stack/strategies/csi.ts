import { renderDemoApp } from '../manifests/demo-app.js';
import { stackNames } from '../manifests/names.js';
import { labels, namespaceObject, type HelmRelease, type KubeObject } from '../manifests/types.js';
import type { StackConfig } from '../stack-config.js';
import { mountPath } from '../vault-database-engine.js';
import { strategyCredsPath } from './creds-path.js';
import type { LabStrategy, LabStrategyInputs, LabVaultRole, LabWait } from './lab-strategy.js';
import { labAppPorts } from './ports.js';

/*
 * The `csi` strategy: the Secrets Store CSI driver mounts `<databaseMount>/creds/<role>` into the
 * demo app's pods through the Vault chart's CSI provider; with rotation on, the driver asks again on
 * the kubelet's republish (at most every rotationPollInterval) and the file changes in place, which
 * the app notices by polling it (CREDENTIALS_POLL_MS). Facts: ../shared/reference/delivery-strategies.md
 * §3, checked against kubernetes-sigs/secrets-store-csi-driver@v1.6.0 (CSID),
 * hashicorp/vault-csi-provider@v1.7.4 (VCP) and hashicorp/vault-helm@v0.34.1 (VH).
 */

const NAMESPACE = 'vaultctl-csi';
/** The ServiceAccount the pods run as: the driver requests its token, the Vault role is bound to it. */
export const CSI_SERVICE_ACCOUNT = 'demo-app';
export const CSI_PROVIDER_CLASS = 'demo-app-db';
/** Where the volume is mounted, and the one object in it: the whole Vault response as JSON. */
export const CSI_MOUNT_PATH = '/mnt/secrets-store';
export const CSI_OBJECT_NAME = 'db-creds.json';
/** How often the demo app re-reads the file: well below the driver's 30 s rotationPollInterval. */
const POLL_MS = 1000;

/** The driver chart (values in the file: rotation on every 30 s, token audience `vault`). */
export const CSI_DRIVER_RELEASE: HelmRelease = {
  name: 'secrets-store-csi-driver',
  // kube-system, as the driver's docs install it: the CSIDriver and its node plugin are cluster plumbing.
  namespace: 'kube-system',
  repoName: 'secrets-store-csi-driver',
  repoUrl: 'https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts',
  chart: 'secrets-store-csi-driver/secrets-store-csi-driver',
  version: '1.6.0',
  valuesFile: 'manifests/values/secrets-store-csi-driver.yaml',
  set: {},
};
/**
 * The driver's DaemonSet: the chart's fullname, which is the release name when that contains the
 * chart name (CSID charts/secrets-store-csi-driver/templates/_helpers.tpl "sscd.fullname").
 */
export const CSI_DRIVER_DAEMONSET = 'secrets-store-csi-driver';

/** The provider's DaemonSet: `<vault fullname>-csi-provider` in Vault's namespace (VH templates/csi-daemonset.yaml). */
export function csiProviderDaemonSet(cfg: StackConfig): string {
  return `${stackNames(cfg).vaultService}-csi-provider`;
}

/**
 * The provider runs without its Vault agent sidecar: the SecretProviderClass names `vaultAddress`,
 * which overrides the provider's VAULT_ADDR (the agent's socket) — SPC parameters take precedence
 * over env and flags (VCP internal/client/client.go New) — so the agent would only sit idle. Each
 * mount and each rotation then reads new credentials, and nothing renews or revokes the old lease
 * (facts §3 "Leases"). The provider's default providersDir, /var/run/secrets-store-csi-providers
 * (VH values.yaml csi.daemonSet), is the driver's default too (CSID values.yaml linux.providersDir).
 */
function vaultChartSet(): Record<string, string> {
  return { 'csi.enabled': 'true', 'csi.agent.enabled': 'false' };
}

/** The role the provider logs in as for this namespace's pods: it may read the creds (no renew: the provider never renews). */
function vaultRole(cfg: StackConfig): LabVaultRole {
  return {
    role: `${cfg.vault.authRole}-csi`,
    serviceAccount: CSI_SERVICE_ACCOUNT,
    namespace: NAMESPACE,
    policy: `${cfg.vault.policy}-csi`,
    paths: { [strategyCredsPath(cfg, 'csi')]: ['read'] },
  };
}

/** The CRD is served and both node plugins run, so the first pod's mount can succeed. */
function before(cfg: StackConfig): LabWait[] {
  return [
    { title: 'SecretProviderClass CRD established', kubectl: ['wait', '--for=condition=Established', 'crd/secretproviderclasses.secrets-store.csi.x-k8s.io'] },
    {
      title: `Secrets Store CSI driver (daemonset ${CSI_DRIVER_DAEMONSET}) ready`,
      kubectl: ['rollout', 'status', `daemonset/${CSI_DRIVER_DAEMONSET}`, '-n', CSI_DRIVER_RELEASE.namespace],
    },
    {
      title: `Vault CSI provider (daemonset ${csiProviderDaemonSet(cfg)}) ready`,
      kubectl: ['rollout', 'status', `daemonset/${csiProviderDaemonSet(cfg)}`, '-n', cfg.charts.vault.namespace],
    },
  ];
}

/**
 * The provider's `objects` parameter: a YAML list (VCP internal/config/config.go parseParameters),
 * written as JSON-quoted scalars. No `secretKey`, so the file holds the whole Vault response as JSON
 * (VCP internal/provider/provider.go getSecret), `{"data":{"username","password"},"lease_id",…}`:
 * one read, so username and password always belong together, and the demo app reads `data`.
 */
export function csiObjects(cfg: StackConfig): string {
  const path = strategyCredsPath(cfg, 'csi');
  return `- objectName: ${JSON.stringify(CSI_OBJECT_NAME)}\n  secretPath: ${JSON.stringify(path)}\n  method: "GET"\n`;
}

/** Namespace, ServiceAccount, SecretProviderClass, then the demo app copy mounting it. */
function objects(cfg: StackConfig, inputs: LabStrategyInputs): KubeObject[] {
  const n = stackNames(cfg);
  const app = renderDemoApp(cfg, inputs, {
    namespace: NAMESPACE,
    // No Wave annotation and no Secret: the file changes in place, no rollout (facts §3 "Rotation").
    annotations: {},
    // Its own NodePort, published by kind on its own host port (strategies/ports.ts).
    nodePort: labAppPorts(cfg, 'csi').nodePort,
    serviceAccountName: CSI_SERVICE_ACCOUNT,
    credentialsFile: `${CSI_MOUNT_PATH}/${CSI_OBJECT_NAME}`,
    env: [{ name: 'CREDENTIALS_POLL_MS', value: String(POLL_MS) }],
    volumes: [{
      // The driver refuses a writable publish (CSID pkg/secrets-store/nodeserver.go "Readonly is not true").
      volume: { name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: CSI_PROVIDER_CLASS } } },
      mountPath: CSI_MOUNT_PATH,
    }],
  });
  return [
    namespaceObject(NAMESPACE),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: CSI_SERVICE_ACCOUNT, namespace: NAMESPACE, labels: labels('demo-app') } },
    {
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      metadata: { name: CSI_PROVIDER_CLASS, namespace: NAMESPACE, labels: labels('demo-app') },
      spec: {
        provider: 'vault',
        // No `audience`: the provider picks the token the driver got for "vault" (tokenRequests in the values file).
        parameters: {
          vaultAddress: n.vaultAddressInCluster,
          roleName: vaultRole(cfg).role,
          vaultKubernetesMountPath: mountPath(cfg.vault.kubernetesAuthMount),
          objects: csiObjects(cfg),
        },
      },
    },
    ...app.filter((o) => o.kind !== 'Namespace'),
  ];
}

/** The demo app copy rolled out: its pods started only once their volume was mounted with credentials. */
function after(cfg: StackConfig): LabWait[] {
  const deployment = stackNames(cfg).appDeployment;
  return [{ title: `Deployment ${deployment} in ${NAMESPACE} rolled out`, kubectl: ['rollout', 'status', `deployment/${deployment}`, '-n', NAMESPACE] }];
}

/** The `csi` lab strategy (issue 12). */
export const csiStrategy: LabStrategy = {
  name: 'csi',
  namespace: () => NAMESPACE,
  releases: () => [{ ...CSI_DRIVER_RELEASE, set: { ...CSI_DRIVER_RELEASE.set } }],
  vaultChartSet,
  vaultRole,
  before,
  objects,
  after,
};
