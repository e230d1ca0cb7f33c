import type { EventSink } from '../ports/events.js';
import type { LoadPlan, LoadSummary } from '../ports/load.js';
import type { OutcomeChunk, OutcomeSink } from '../ports/outcomes.js';
import { ArrivalSchedule } from './arrival-schedule.js';
import type { WorkerMessage } from './worker-protocol.js';

/*
 * The merging side of load workers (issue 13), whatever carries their lines: a local process's
 * stdout pipe (src/adapters/worker-pool-load.ts) or a Kubernetes Job pod's log
 * (src/targets/kubernetes/job-load.ts). Each worker's chunks go into the run's recorder as they
 * come; a worker that ends before its `done` line, or says nothing for `stallMs`, is lost.
 */

/** One worker as the merging side sees it. */
export interface WorkerLink {
  /** 0-based: its share is every `of`-th request from `index`. */
  readonly index: number;
  /** Messages received and not yet consumed (the link appends, the merge takes). */
  messages: WorkerMessage[];
  /** Run-clock ms of its last line. */
  lastWordAt: number;
  /** Resolves when a line arrives, the worker ends, or `wake` is called. */
  next(): Promise<void>;
  wake(): void;
  /** Why it ended (exited, pod failed), once it has; undefined while it may still speak. */
  ended(): string | undefined;
  /** Ends it for good (a stalled worker). */
  kill(): void;
}

/** What merging needs: the plan the workers share, the sink, the run clock and where losses go. */
export interface MergeOptions {
  plan: LoadPlan;
  startMs: number;
  sink: OutcomeSink;
  merge(chunk: OutcomeChunk): void;
  now(): number;
  signal?: AbortSignal;
  events?: EventSink;
  stallMs: number;
}

interface State { recorded: number; done?: LoadSummary; lost?: string }

/** Merges every worker's outcomes until each has sent `done` or is lost; returns the run's summary. */
export async function mergeWorkers(links: readonly WorkerLink[], o: MergeOptions): Promise<LoadSummary> {
  const rate = o.plan.rate as number;
  const shares = links.map((w) => new ArrivalSchedule(o.startMs, rate, o.plan.durationMs, { index: w.index, of: links.length }));
  const states: State[] = links.map(() => ({ recorded: 0 }));
  const aborted = () => o.signal?.aborted === true;
  // An abort wakes every worker's loop once; it then sees `aborted()`.
  const onAbort = () => links.forEach((w) => w.wake());
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const lose = (i: number, reason: string): void => {
    const st = states[i];
    if (st.lost || st.done) return;
    st.lost = reason;
    const share = shares[i];
    const missing = Math.max(0, share.total - st.recorded);
    // Its last `missing` requests have no outcome: sent and unanswered, or never sent.
    for (let k = share.total - missing; k < share.total; k++) {
      o.sink.record({ start: share.timeOf(k), latencyMs: 0, kind: 'not_sent', cause: 'worker_lost' });
    }
    o.events?.emit({ t: o.now(), type: 'load_worker_lost', worker: links[i].index + 1, workers: links.length, reason, notSent: missing });
  };

  await Promise.all(links.map(async (w, i) => {
    const st = states[i];
    const stall = setInterval(() => {
      if (st.done || st.lost || o.now() - w.lastWordAt <= o.stallMs) return;
      lose(i, `stalled: no word for ${Math.round((o.now() - w.lastWordAt) / 1000)}s`);
      w.kill();
      w.wake();
    }, Math.min(500, o.stallMs));
    try {
      while (!st.done && !st.lost && !aborted()) {
        for (const m of w.messages.splice(0)) {
          if (m.w !== 'chunk' && m.w !== 'done') continue;
          if (m.w === 'chunk' && m.chunk) o.merge(m.chunk);
          st.recorded = m.recorded;
          if (m.w === 'done') st.done = m.summary;
        }
        if (st.done || aborted()) break;
        const end = w.ended();
        if (end !== undefined) {
          lose(i, `${end} before the end of its schedule`);
          break;
        }
        await w.next();
      }
    } finally {
      clearInterval(stall);
    }
  }));
  o.signal?.removeEventListener('abort', onAbort);
  return summarize(states, shares, aborted());
}

function summarize(states: State[], shares: ArrivalSchedule[], aborted: boolean): LoadSummary {
  const sum = { scheduled: 0, sent: 0, completed: 0, errors: 0, timeouts: 0, notSent: 0 };
  let p99 = 0;
  let max = 0;
  let limitedBy: LoadSummary['limitedBy'];
  states.forEach((st, i) => {
    const d = st.done;
    if (d) {
      sum.scheduled += d.scheduled;
      sum.sent += d.sent;
      sum.completed += d.completed;
      sum.errors += d.errors;
      sum.timeouts += d.timeouts;
      sum.notSent += d.notSent;
      // The largest worker p99 bounds the merged p99 from above: at most 1 % of each worker's lags exceed it.
      p99 = Math.max(p99, d.lagMs?.p99 ?? 0);
      max = Math.max(max, d.lagMs?.max ?? 0);
      limitedBy ??= d.limitedBy;
    } else if (st.lost) {
      sum.scheduled += shares[i].total;
      sum.notSent += Math.max(0, shares[i].total - st.recorded);
    } else if (aborted) {
      // Cut short: only what it reported was asked for (as the in-process generator counts an abort).
      sum.scheduled += st.recorded;
    }
  });
  const lost = states.filter((s) => s.lost).length;
  if (lost > 0) limitedBy = 'worker_lost';
  return { model: 'open', ...sum, lagMs: { p99, max }, ...(limitedBy ? { limitedBy } : {}), workers: states.length,
    ...(lost > 0 ? { workersLost: lost } : {}) };
}

/** A worker's share of the plan: the connection pool and in-flight cap split N ways. */
export function workerPlan(plan: LoadPlan, workers: number): LoadPlan {
  return {
    ...plan,
    connections: Math.max(1, Math.ceil(plan.connections / workers)),
    maxInFlight: Math.max(1, Math.ceil(plan.maxInFlight / workers)),
  };
}

/** A link's waiting list: `next` parks, `wake` releases every parked call. */
export function waiter(): { next(): Promise<void>; wake(): void } {
  let waiting: (() => void)[] = [];
  return {
    next: () => new Promise<void>((r) => { waiting.push(r); }),
    wake: () => {
      const w = waiting;
      waiting = [];
      for (const r of w) r();
    },
  };
}
