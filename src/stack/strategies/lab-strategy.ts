import type { StackConfig } from '../stack-config.js';
import type { HelmRelease, KubeObject } from '../manifests/types.js';

/*
 * Issue 12: one lab holds every delivery strategy, each with its own copy of the demo app in its own
 * namespace (`vaultctl-<strategy>`), its own Vault Kubernetes-auth role and policy. A strategy is
 * data: the charts it adds, the values it sets on the Vault chart, the objects it applies and what
 * bootstrap waits for. Facts (charts, versions, CRD fields, annotations): ../shared/reference/
 * delivery-strategies.md, cited in each strategy's file. `secret-sync-restart` is today's lab (ESO +
 * Wave in `cfg.namespace`), built by the base pipeline; the others are in this folder.
 */

/** The strategies a lab can hold, in install order (in names.ts: stack-config.ts needs them too). */
export { LAB_STRATEGY_NAMES, type LabStrategyName } from './names.js';
import type { LabStrategyName } from './names.js';

/** What every strategy's objects need from the run. */
export interface LabStrategyInputs {
  /** The bundled demo app (stored as `server.cjs` in a ConfigMap, as the base lab does). */
  bundle: string;
}

/** A Vault Kubernetes-auth role a strategy's service account logs in with, and the policy it gets. */
export interface LabVaultRole {
  /** Role name under the Kubernetes auth mount (`cfg.vault.kubernetesAuthMount`). */
  role: string;
  serviceAccount: string;
  namespace: string;
  /** Policy name; its body lets the role read `<databaseMount>/creds/<role>` (and renew/revoke its leases). */
  policy: string;
  /** Vault paths (below the API root) the policy allows, with their capabilities. */
  paths: Record<string, readonly string[]>;
}

/** Something bootstrap waits for after applying a strategy's objects, polled until true or the timeout. */
export interface LabWait {
  /** e.g. "VaultDynamicSecret demo-app-db synced". */
  title: string;
  /** The kubectl command (without `kubectl --context`) whose exit 0 means done, e.g. `['rollout', 'status', ...]`. */
  kubectl: readonly string[];
}

/** One delivery strategy in the lab (everything but secret-sync-restart, which is the base lab). */
export interface LabStrategy {
  name: Exclude<LabStrategyName, 'secret-sync-restart'>;
  /** The namespace of its demo app copy. */
  namespace(cfg: StackConfig): string;
  /** Charts it adds, installed after the base charts, in order (e.g. VSO; the CSI driver). */
  releases(cfg: StackConfig): HelmRelease[];
  /** `--set` values it needs on the Vault chart (the injector; the CSI provider). */
  vaultChartSet(cfg: StackConfig): Record<string, string>;
  /** Its Vault role (created after the base lab's Kubernetes auth). */
  vaultRole(cfg: StackConfig): LabVaultRole;
  /** Waited for before its objects are applied (e.g. the injector webhook: its failurePolicy is Ignore). */
  before: (cfg: StackConfig) => LabWait[];
  /** Everything applied in its namespace, Namespace first: service account, controller CRs, the demo app copy. */
  objects(cfg: StackConfig, inputs: LabStrategyInputs): KubeObject[];
  /** Waited for after applying: the credentials delivered and the demo app's rollout. */
  after: (cfg: StackConfig) => LabWait[];
}
