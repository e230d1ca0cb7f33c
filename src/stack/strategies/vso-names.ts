/*
 * Coordinates of the Vault Secrets Operator the `vso` strategy installs, and the names of its
 * objects. Sources: hashicorp/vault-secrets-operator@v1.4.1 (9b840a5) and
 * ../shared/reference/delivery-strategies.md §1.
 */

/** The chart (chart/Chart.yaml: version and appVersion 1.4.1, kubeVersion >=1.21.0-0). */
export const VSO_CHART = {
  name: 'vault-secrets-operator',
  namespace: 'vault-secrets-operator',
  repoName: 'hashicorp',
  repoUrl: 'https://helm.releases.hashicorp.com',
  chart: 'hashicorp/vault-secrets-operator',
  version: '1.4.1',
} as const;

/**
 * The controller Deployment: `<fullname>-controller-manager` (chart/templates/deployment.yaml L19),
 * fullname being the release name when it contains the chart name (chart/templates/_helpers.tpl).
 */
export const VSO_CONTROLLER_DEPLOYMENT = `${VSO_CHART.name}-controller-manager`;

/** Group/version of every VSO CR the lab applies (the CRDs' only, storage, version). */
export const VSO_API_VERSION = 'secrets.hashicorp.com/v1beta1';

/** The CRDs the lab's objects need, shipped in chart/crds/ (so `helm uninstall` leaves them). */
export const VSO_CRDS = [
  'vaultconnections.secrets.hashicorp.com',
  'vaultauths.secrets.hashicorp.com',
  'vaultdynamicsecrets.secrets.hashicorp.com',
] as const;

/**
 * Finalizers VSO puts on the lab's CRs (controllers/vaultconnection_controller.go L31,
 * vaultauth_controller.go L33, vaultdynamicsecret_controller.go L44). The chart's pre-delete hook
 * removes them only in the operator's own namespace (controllers/common.go L125-130), so teardown
 * must delete these CRs, and wait, while VSO still runs, or `vaultctl-vso` stays Terminating.
 */
export const VSO_FINALIZERS = [
  'vaultconnection.secrets.hashicorp.com/finalizer',
  'vaultauth.secrets.hashicorp.com/finalizer',
  'vaultdynamicsecret.secrets.hashicorp.com/finalizer',
] as const;

/** Template annotation VSO sets (RFC 3339, seconds) to roll a target (helpers/rollout_restart.go L25, L117-152). */
export const VSO_RESTARTED_AT = 'vso.secrets.hashicorp.com/restartedAt';

/** Names of the strategy's own objects in its namespace and of its Vault role. */
export const VSO_NAMES = {
  /** The account VSO requests tokens for and logs in to Vault with. */
  serviceAccount: 'vso-auth',
  connection: 'lab-vault',
  auth: 'demo-app',
  dynamicSecret: 'demo-app-db',
  /** Kubernetes-auth role bound to `serviceAccount` in `vaultctl-vso`. */
  vaultRole: 'vso-db',
} as const;
