import type { LabStrategyName } from './strategies/names.js';

/**
 * The controllers that can roll the base lab's demo app when ESO rewrites its Secret (issue 12):
 * Wave (the default, as before) or Stakater Reloader. One at a time: both on one Deployment would
 * roll it twice per credential change.
 */
export const RELOADER_NAMES = ['wave', 'stakater'] as const;
export type ReloaderName = (typeof RELOADER_NAMES)[number];

/**
 * The internal model of `vaultctl.yaml` (the lab's configuration), fully defaulted. Durations are
 * milliseconds. Loaded from `apiVersion: vaultctl.dev/v1alpha1`, `kind: LabConfig` by
 * src/stack/config/ with the same strictness and file:line:col errors as scenarios; flags and
 * environment variables override it.
 */
export interface StackConfig {
  /** kind cluster name (context `kind-<name>`); ignored with kubeContext. */
  clusterName: string;
  /** Use this existing kubeconfig context instead of creating a kind cluster. */
  kubeContext?: string;
  /** Namespace of the demo app, its ExternalSecret and the generator. */
  namespace: string;
  /** Host port (127.0.0.1) mapped to the demo app's NodePort on kind. */
  appHostPort: number;
  /** NodePort of the demo app Service (kind maps it to appHostPort). */
  appNodePort: number;
  /** Host port mapped to Vault's NodePort on kind (for vaultctl's own Vault calls). */
  vaultHostPort: number;
  vaultNodePort: number;
  charts: {
    vault: { repo: string; chart: string; version: string; namespace: string; release: string };
    eso: { repo: string; chart: string; version: string; namespace: string; release: string };
    wave: { repo: string; chart: string; version: string; namespace: string; release: string };
    /** Stakater Reloader, installed instead of Wave when `reloader` is `stakater`. */
    reloader: { repo: string; chart: string; version: string; namespace: string; release: string };
  };
  /** Which controller rolls the base lab's demo app on a Secret change (`wave` or `stakater`). */
  reloader: ReloaderName;
  postgres: { image: string; namespace: string; database: string };
  vault: {
    /** Database secrets engine mount and role. */
    databaseMount: string;
    role: string;
    connection: string;
    defaultTtlMs: number;
    maxTtlMs: number;
    /** Kubernetes auth mount, role bound to ESO's generator service account, and its policy. */
    kubernetesAuthMount: string;
    authRole: string;
    policy: string;
    tokenTtlMs: number;
  };
  eso: { refreshIntervalMs: number; serviceAccount: string };
  app: {
    replicas: number;
    maxSurge: number;
    maxUnavailable: number;
    preStopMs: number;
    terminationGracePeriodMs: number;
    querySleepMs: number;
    /** Stock Node image the bundled demo app runs on (no image build needed). */
    image: string;
  };
  /**
   * The delivery strategies in the lab, in install order, without repeats (issue 12). The base lab
   * (`secret-sync-restart`) is always installed; each other one adds its namespace and controllers.
   */
  strategies: LabStrategyName[];
  /** How long each wait step may take, and how often it polls. */
  waits: { timeoutMs: number; intervalMs: number };
}
