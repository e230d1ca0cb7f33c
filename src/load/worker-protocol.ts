import type { LoadPlan, LoadSummary, SchedulePart } from '../ports/load.js';
import type { OutcomeChunk } from '../ports/outcomes.js';

/*
 * Issue 13: what a load worker (src/load-worker/main.ts) and vaultctl say to each other, one JSON
 * object per line: vaultctl writes to the worker's stdin, the worker to its stdout. Times are ms;
 * `epoch` values are the sender's own clock (performance.timeOrigin + performance.now()).
 *
 *   worker  → {"w":"hello","epoch"}                      at start
 *   vaultctl→ {"ping":<its epoch>}                      a few times: the clock offset
 *   worker  → {"w":"pong","ping","epoch"}
 *   vaultctl→ {"start":WorkerStart}                     the plan, the share and the run clock
 *   vaultctl→ {"endpoints":[ports]}                     the Service's endpoints changed (local, kube-proxy mode)
 *   worker  → {"w":"chunk","t","recorded","chunk"?}     every flushMs: binned outcomes, and a heartbeat
 *   worker  → {"w":"done","recorded","summary"}         the schedule ended; it exits 0
 *
 * A closed stdin means vaultctl is gone: the worker stops and exits.
 */

/** What a worker sends. */
export type WorkerMessage =
  | { w: 'hello'; epoch: number; pid: number }
  | { w: 'pong'; ping: number; epoch: number }
  | { w: 'chunk'; t: number; recorded: number; chunk?: OutcomeChunk }
  | { w: 'done'; recorded: number; summary: LoadSummary };

/** What vaultctl tells a worker to do. */
export interface WorkerStart {
  plan: LoadPlan;
  part: SchedulePart;
  /** Run-clock ms the schedule starts at. */
  startMs: number;
  /** The run clock's zero on the worker's own clock (vaultctl's zero plus the measured offset). */
  zeroEpoch: number;
  /** The recorder's bins, so the worker's chunks merge as they are. */
  layout: { binMs: number; latencyBinMs: number };
  /** How often the worker flushes its outcomes (each flush is also a heartbeat). */
  flushMs: number;
  /**
   * Local target, kube-proxy mode: the Service's endpoints (loopback ports) at the start. The
   * worker then routes each new connection itself, as its node's kube-proxy would, and hears of
   * every change in `endpoints` messages. Absent: it connects to the plan's URL (the l7 proxy; on
   * Kubernetes, the Service, through the cluster's own kube-proxy).
   */
  endpoints?: number[];
}

/** Messages to a worker. */
export type ToWorker = { ping: number } | { start: WorkerStart } | { endpoints: number[] };

/**
 * The offset of a worker's clock from vaultctl's, from ping round trips (NTP's rule: assume the
 * answer was given halfway; keep the round trip that took least, whose halfway is surest).
 */
export function clockOffset(samples: readonly { sentEpoch: number; workerEpoch: number; receivedEpoch: number }[]):
  { offsetMs: number; roundTripMs: number } {
  if (samples.length === 0) throw new Error('no clock samples');
  let best = samples[0];
  for (const s of samples) if (s.receivedEpoch - s.sentEpoch < best.receivedEpoch - best.sentEpoch) best = s;
  return { offsetMs: best.workerEpoch - (best.sentEpoch + best.receivedEpoch) / 2, roundTripMs: best.receivedEpoch - best.sentEpoch };
}

/** Now on this process's epoch clock (ms, sub-ms resolution): what `epoch` values are read from. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The longest unfinished line a reader of worker messages holds (runtime/line-buffer.ts maxPartial). */
export const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;
