import type { DeliveryStrategyName } from './delivery-strategy.js';
/**
 * The internal, fully defaulted scenario model that the engine runs. Durations are milliseconds.
 * It is produced from the versioned file schema (schema.ts) by normalize.ts, so a future
 * `v1alpha2` file format can convert into the same model.
 */
export interface Scenario {
  name: string;
  description?: string;
  /** The file it came from, for messages. */
  source: string;
  target: 'local' | 'kubernetes';
  database: DatabaseSpec;
  credentials: CredentialsSpec;
  delivery: DeliverySpec;
  workload: WorkloadSpec;
  load: LoadSpec;
  rotations: RotationsSpec;
  analysis: AnalysisSpec;
  thresholds: ThresholdSpec[];
  /** Things in the file that are valid but do not do what they seem to (file:line:col), for validate and rotate-test to print. */
  warnings?: ScenarioWarning[];
}

/** A valid key that has no effect here, with where it is. */
export interface ScenarioWarning {
  line: number;
  col: number;
  path: string;
  message: string;
}

export interface DatabaseSpec {
  /** Database the app connects to (created when missing on the local target). */
  name: string;
  /**
   * Admin SQL run once before the app starts (tables, seed data). Default: the demo app's table
   * (schema.ts DEFAULT_DATABASE_SETUP); a scenario's own list replaces it.
   */
  setup: string[];
  role: {
    name: string;
    /** Vault templates: {{name}}, {{password}}, {{expiration}}. */
    creationStatements: string[];
    revocationStatements: string[];
    renewStatements: string[];
    defaultTtlMs: number;
    maxTtlMs: number;
  };
}

export interface CredentialsSpec {
  issuer: 'direct' | 'vault';
  vault: {
    /** Mount path of the database secrets engine. */
    mount: string;
    /** Name of the database connection (database/config/:name). */
    connection: string;
  };
}

export interface DeliverySpec {
  /** Like ESO's refreshInterval: issue new credentials this often; 0 = never. */
  refreshIntervalMs: number;
  /** What happens to running replicas when new credentials arrive. */
  reload: 'restart' | 'signal' | 'none';
  /** How replicas receive credentials: environment variables or a JSON file. */
  via: 'env' | 'file';
  /** `delivery.strategy` as written; absent = derived from `reload` (deliveryStrategyOf). */
  strategy?: DeliveryStrategyName;
  /** agent-template: how the app learns of a re-rendered file (absent: signal when derived from reload, else upstream's reread). */
  pickup?: 'signal' | 'reread' | 'restart';
  /** init-renewer: the renewer's RENEW_INTERVAL (absent: upstream's 6h). */
  renewEveryMs?: number;
  /** init-renewer: the increment each renewal asks for (absent: upstream's 1h). */
  renewIncrementMs?: number;
  /** vso: VaultDynamicSecret `renewalPercent` (absent: upstream's 67; capped at 90 as VSO does). */
  renewalPercent?: number;
  /** vso: VaultDynamicSecret `revoke`: revoke the live lease when the VDS is deleted (the end of the run). */
  revoke?: boolean;
  /** static-role: the static role's `rotation_period` (absent: 1h). */
  rotationPeriodMs?: number;
  /** static-role: what carries the password to the app (absent: vso). */
  carrier?: 'vso' | 'agent-template' | 'secret-sync-restart';
  /** csi: the driver's `enableSecretRotation` (absent: upstream's false). */
  enableSecretRotation?: boolean;
  /** csi: the driver's `rotationPollInterval` (absent: upstream's 2m). */
  rotationPollIntervalMs?: number;
  /** csi: vault-helm `csi.agent.enabled`, the provider's agent cache (absent: upstream's true). */
  agentCache?: boolean;
  /** vault-env: SIGTERM → SIGKILL delay of the daemon (absent: upstream's 10s). */
  killAfterMs?: number;
  /** vault-env: the replicas' first starts spread evenly over this span (absent: 0, together). */
  startSpreadMs?: number;
  /** direct: the app revokes its old lease after swapping its pool (absent: vaultctl's true). */
  revokeOldLease?: boolean;
  /** direct: the old pool's drain before that revoke (absent: 5s). */
  revokeAfterMs?: number;
}

export interface WorkloadSpec {
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  /** Demo app: on SIGTERM stop accepting, finish in-flight requests, then exit. */
  gracefulDrain: boolean;
  terminationGracePeriodMs: number;
  /** Sleep before SIGTERM, like a preStop hook. */
  preStopMs: number;
  /** Time the proxy keeps routing to a terminating replica (endpoint propagation). */
  endpointPropagationMs: number;
  /** When a replica gets traffic; `startupTimeoutMs` bounds its first success (after that it keeps probing). */
  readiness: ProbeSpec & { startupTimeoutMs: number };
  /** When set, a replica failing it `failureThreshold` times in a row is killed and restarted. */
  liveness?: ProbeSpec;
  /** Delay before restarting a replica that exited: `initialMs`, doubling up to `maxMs` (CrashLoopBackOff). */
  restartBackoff: { initialMs: number; maxMs: number };
  /** A rollout that makes no progress this long is abandoned and reported (progressDeadlineSeconds). */
  progressDeadlineMs: number;
  pool: { max: number; maxLifetimeMs: number; idleTimeoutMs: number };
  /** Demo app: seconds of `pg_sleep` per request, in ms. */
  querySleepMs: number;
  /** Start → ready of one replica as the user measured it (the report shows it per rollout); doctor's estimate when set. */
  expectedStartupMs?: number;
  /** Loopback port of the proxy that stands in for the Service; 0 picks a free one. */
  servicePort: number;
  /**
   * Local target: how that proxy behaves. `kube-proxy`: each client connection pinned to one
   * endpoint when it connects (what keep-alive clients see on Kubernetes); `l7`: like an ingress,
   * one upstream connection per request, failures answered as 502/503/504 with a cause header.
   */
  serviceMode: 'kube-proxy' | 'l7';
  /** A user's own app instead of the demo app (argv); gets PORT and credentials. */
  command?: string[];
  env: Record<string, string>;
}

/** A Kubernetes-shaped probe (core/v1 Probe): one check and its timing, in ms. */
export interface ProbeSpec {
  check: ProbeCheck;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  /** Successes in a row that make a failing probe pass (the first readiness included). */
  successThreshold: number;
  /** Failures in a row that make a passing probe fail. */
  failureThreshold: number;
}

/** What one probe does against a replica. */
export type ProbeCheck =
  | {
      kind: 'httpGet';
      path: string;
      method: string;
      headers: Record<string, string>;
      body?: string;
      statusMin: number;
      statusMax: number;
      bodyIncludes?: string;
      bodyExcludes?: string;
    }
  /** Connects to the replica's port. */
  | { kind: 'tcpSocket' }
  /** Runs `command` with the replica's env (placeholders filled); exit 0 is success. */
  | { kind: 'exec'; command: string[] };

export interface LoadSpec {
  /** Requests per second (open model: started on schedule whatever the answers), or 'max' (closed loop). */
  rate: number | 'max';
  /** Kept-alive connections of the client pool (open model); concurrent connections (rate 'max'). */
  connections: number;
  /**
   * Open model: most requests in flight at once. A scheduled request beyond it is recorded as
   * `not_sent` (a failure). Default: enough for rate × timeout, capped at DEFAULT_MAX_IN_FLIGHT_CAP.
   */
  maxInFlight: number;
  /** Reuse connections between requests (real clients do); false opens one per request. */
  keepAlive: boolean;
  /**
   * Load worker processes that send the schedule between them, each its share (issue 13); 0: the
   * vaultctl process sends it itself. `auto` is resolved when the run starts (the machine's cores).
   */
  workers: number | 'auto';
  durationMs: number;
  /**
   * Load sent before measurement starts (pools fill, JIT warms). Rotation offsets and the refresh
   * interval count from the end of the warm-up; warm-up requests are recorded but not analysed.
   */
  warmUpMs: number;
  timeoutMs: number;
  request: { method: string; path: string; headers: Record<string, string>; body?: string };
  success: { statusMin: number; statusMax: number; bodyIncludes?: string; bodyExcludes?: string };
}

export interface RotationsSpec {
  /** Extra forced re-issues at offsets from load start. */
  atMs: number[];
  /** Revoke the live credentials at these offsets (chaos). */
  revokeAtMs: number[];
  /** kubernetes target: `<mount>/rotate-root/<connection>` at these offsets (Vault's admin password). */
  rotateRootAtMs: number[];
}

export interface AnalysisSpec {
  /** Tail added after rollout_completed to each rollout window. */
  settleMs: number;
  /**
   * Head added before rollout_started to each rollout window: requests are attributed by their
   * start, and one already in flight when a rollout starts can fail because of it.
   */
  leadMs: number;
  /** Recorder time-bin width. */
  binMs: number;
}

/** One threshold, e.g. `rollout.failure_rate < 0.1%`, parsed at load time. */
export interface ThresholdSpec {
  /** As written, for reports. */
  expression: string;
  metric: ThresholdMetric;
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  /** Value in base units: a ratio (0.001 for 0.1%), milliseconds, or a count. */
  value: number;
  abortOnFail: boolean;
}

export type ThresholdMetric =
  | 'rollout.failure_rate'
  | 'rollout.downtime'
  | 'rollout.duration'
  | 'rollout.latency.p99'
  | 'baseline.failure_rate'
  | 'latency.p99'
  | 'leases.outstanding'
  /** Sent / scheduled requests of the measured range (a ratio): whether the asked load was delivered. */
  | 'load.sent_ratio';
