import type { SecretRegistry } from '../../errors/redact.js';
import type { EventSink } from '../../ports/events.js';
import type { ProcessSpawner } from '../../ports/process-spawner.js';
import type { RunLedger } from '../../runtime/run-ledger.js';
import type { Clock } from '../../runtime/runtime.js';
import type { DeliverySpec, WorkloadSpec } from '../../scenario/model.js';
import type { PerReplicaIssuer } from './replica-credentials.js';
import type { EndpointRegistry, ReplicaPhase } from './replica-support.js';

/** What {@link LocalSupervisor} needs. */
export interface LocalSupervisorOptions {
  workload: WorkloadSpec;
  delivery: DeliverySpec;
  /** argv of one replica. */
  command: string[];
  /** Env of every replica before PORT, HOST and credentials (include PATH when `command` needs it). */
  baseEnv: Record<string, string>;
  proxy: EndpointRegistry;
  events: EventSink;
  clock: Clock;
  secrets: SecretRegistry;
  /** Starts replicas (each recorded in the run ledger). */
  spawner: ProcessSpawner;
  /** Records the credentials dir (`via: file`) before it is created. */
  ledger: RunLedger;
  log?: (line: string) => void;
  /** Every chunk a replica writes on stdout or stderr (its log file in the results directory). */
  onReplicaOutput?: (replica: string, chunk: string) => void;
  /**
   * The run's signal. Once it aborts the run is stopping, before stop() is called: replicas that
   * exit then (Ctrl-C reaches them too) are not crashes, so they are neither reported nor restarted.
   */
  signal?: AbortSignal;
  /**
   * Credentials per replica (csi, vault-env): each replica start — the first, a restart in place,
   * a rollout's new replica — gets its own from this issuer, instead of its revision's shared set.
   * Absent: today's behaviour, one set per revision (RevisionCredentials).
   */
  perReplica?: PerReplicaIssuer;
  /** The replicas' first starts spread evenly over this span (replica i after i·span/replicas); 0 = together. */
  startSpreadMs?: number;
}

/** One replica as seen from outside. */
export interface ReplicaInfo {
  id: string;
  revision: number;
  phase: ReplicaPhase;
  port: number;
  pid?: number;
}
