import type { EventSink } from '../../../ports/events.js';
import type { KubeApi } from '../../../ports/kube.js';
import type { Scenario } from '../../../scenario/model.js';
import type { Lab } from '../../../stack/lab.js';
import type { Restore } from '../lab-settings.js';
import type { SyncSource } from '../sync-source.js';

/*
 * Issue 12: how rotate-test drives and observes one delivery strategy's copy of the demo app in the
 * lab (namespace `vaultctl-<strategy>`; the base lab for secret-sync-restart). What every strategy
 * shares (the Vault role's TTLs, the Deployment's shape, the rollout watch, revoke and rotate-root
 * through Vault) stays in kubernetes-target.ts; each strategy adds its controller's settings, its
 * lever for `rotations.at`, what it is polled for, and what else is watched. Facts per strategy:
 * ../shared/reference/delivery-strategies.md.
 */

/** One change to the lab for the scenario, undone at cleanup. */
export interface LabSetting {
  /** The progress line, e.g. "ExternalSecret demo-app-db: refreshInterval 30s". */
  title: string;
  /** Named in a failed restore. */
  name: string;
  /** Shown when the setting changed something (default "set"). */
  note?: string;
  /** Applies it; undefined when the lab already had it. */
  apply(): Promise<Restore | undefined>;
}

/** What observers started next to the watches get. */
export interface ObserveOptions {
  kube: KubeApi;
  namespace: string;
  labelSelector: string;
  events: EventSink;
  now(): number;
  signal: AbortSignal;
  log(line: string): void;
}

/** A running observer. */
export interface Observer {
  stop(): Promise<void>;
}

/** One strategy on the kubernetes target. */
export interface KubeDelivery {
  /** The controller's settings the scenario sets (after the role TTLs, before the Deployment's shape). */
  settings: LabSetting[];
  /** `rotations.at`: the controller fetches new credentials now (triggers.ts). Absent: no such lever. */
  forceSync?: (stamp: string) => Promise<void>;
  /**
   * After the run changed the role's TTLs: makes the copy hold credentials issued with them before
   * the load (a lease keeps the TTLs it was issued with). ESO and VSO are force-synced; the agent
   * and the CSI driver only fetch for new pods, so the copy is restarted.
   */
  reissue?: (stamp: string) => Promise<void>;
  /** Polled next to the watches: the controller's status and the Secret it writes. */
  sync?: SyncSource;
  /** Started with the watches: the app's own log (reloads), the injector's work on each pod. */
  observe?(o: ObserveOptions): Promise<Observer>;
  /** Pod-template annotations the controller writes to roll the Deployment (rollout-tracker.ts). */
  rolloutAnnotations: readonly string[];
  /** Lines about what the lab decides rather than the scenario. */
  notes: string[];
}

/** Builds a strategy's delivery for one run. */
export type KubeDeliveryFactory = (s: Scenario, lab: Lab) => KubeDelivery;
