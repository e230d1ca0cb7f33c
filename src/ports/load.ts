import type { EventSink } from './events.js';
import type { OutcomeSink } from './outcomes.js';

/** One load worker's share of a schedule: the requests whose global index is `index` modulo `of`. */
export interface SchedulePart {
  index: number;
  of: number;
}

/** What to send and how hard: the resolved `load` section plus the target URL. */
export interface LoadPlan {
  /** Base URL of the load target, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Requests per second across all connections, or 'max'. */
  rate: number | 'max';
  /** Keep-alive pool size (open model) or concurrent connections (closed loop, rate 'max'). */
  connections: number;
  /** Open model: most requests in flight at once; a scheduled request beyond it is `not_sent`. */
  maxInFlight: number;
  /** Reuse connections between requests (true) or open one per request (false). */
  keepAlive: boolean;
  durationMs: number;
  timeoutMs: number;
  request: { method: string; path: string; headers: Record<string, string>; body?: string };
  success: { statusMin: number; statusMax: number; bodyIncludes?: string; bodyExcludes?: string };
}

/** Totals the load generator counted itself, to cross-check the recorder. */
export interface LoadSummary {
  /** 'open': requests start on a fixed schedule whatever the answers; 'closed': each connection waits for its answer (rate 'max'). */
  model: 'open' | 'closed';
  /** Requests the schedule asked for (open model); equals `sent` for the closed loop. */
  scheduled: number;
  /** Requests written to a connection. */
  sent: number;
  /** Requests answered with an HTTP response (any status). */
  completed: number;
  /** Requests that failed without a response (connection errors and timeouts). */
  errors: number;
  /** Of `errors`, client-side timeouts. */
  timeouts: number;
  /** Scheduled requests never started (`not_sent` outcomes). */
  notSent: number;
  /**
   * Open model: how late requests went out against their schedule (the generator's own CPU or
   * event loop); latency is measured from the scheduled start, so lateness counts as latency.
   */
  lagMs?: { p99: number; max: number };
  /** Why less than the schedule was sent, when it was: the in-flight cap, the generator itself, or a lost load worker. */
  limitedBy?: 'max_in_flight' | 'generator' | 'worker_lost';
  /** Load workers that sent the schedule (absent: the vaultctl process did). */
  workers?: number;
  /** Of them, those that died or stalled before the end; their unsent share is in `notSent`. */
  workersLost?: number;
}

/** The run clock, an abort signal, and when the schedule starts. */
export interface LoadRunOptions {
  now(): number;
  signal?: AbortSignal;
  /**
   * Run-clock ms the schedule starts at (default: now). The caller's measured range and rotations
   * count from it, so the schedule must too; a generator that starts late sends its first
   * requests late (and counts the lateness as latency) rather than shifting every request.
   */
  startMs?: number;
  /** Send only this share of the schedule (a load worker's). */
  part?: SchedulePart;
  /** Where a generator records what happens to it (a load worker lost). */
  events?: EventSink;
  /**
   * The Service's endpoints now (loopback ports): when given, each new connection goes to one of
   * them picked at random, as a node's kube-proxy routes it, instead of to the URL; the URL stays
   * the requests' Host. A load worker of the local target gets them (see {@link ServiceEndpoints}).
   */
  endpoints?: () => readonly number[];
}

/**
 * The local Service's endpoints as every node's kube-proxy learns them (kube-proxy mode only):
 * the loopback ports of the ready replicas, and their changes. Load workers route their own
 * connections with them, each worker a node of its own, so vaultctl's process carries no load bytes.
 */
export interface ServiceEndpoints {
  ports(): readonly number[];
  /** Calls `onChange` with the new ports after every change, until the returned function is called. */
  watch(onChange: (ports: readonly number[]) => void): () => void;
}

/** A load generator (autocannon). Outcomes stream to the sink; the promise ends with the run. */
export interface LoadGenerator {
  /**
   * Gets ready to send `plan` before the caller fixes the start instant (load workers are started
   * and their clocks measured here, so none starts late). Returns the start instant when the
   * generator must fix it itself (a Kubernetes Job is told its start when it is created). Optional;
   * `run` follows, with that start.
   */
  prepare?(plan: LoadPlan, opts: { now(): number; signal?: AbortSignal }): Promise<void | { startMs: number }>;
  run(plan: LoadPlan, sink: OutcomeSink, opts: LoadRunOptions): Promise<LoadSummary>;
}
