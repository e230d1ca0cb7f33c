import { UsageError } from '../errors/errors.js';
import { ArrivalSchedule } from '../load/arrival-schedule.js';
import { clockOffset, LineBuffer, type ToWorker, type WorkerMessage } from '../load/worker-protocol.js';
import type { EventSink } from '../ports/events.js';
import type { LoadGenerator, LoadPlan, LoadRunOptions, LoadSummary } from '../ports/load.js';
import type { OutcomeSink } from '../ports/outcomes.js';
import type { ProcessSpawner, SpawnedProcess } from '../ports/process-spawner.js';

/** What a pool of load workers needs. */
export interface WorkerPoolOptions {
  spawner: ProcessSpawner;
  /** How many workers share the schedule. */
  workers: number;
  /** `node` and the worker bundle (dist/load-worker/bundle.cjs). */
  argv: string[];
  env: Record<string, string>;
  /** How often workers flush (and so beat); default 200 ms. */
  flushMs?: number;
  /** A worker silent this long is stalled: killed and lost; default 3 s. */
  stallMs?: number;
  /** How long the workers may take to start and answer the clock pings; default 10 s. */
  readyTimeoutMs?: number;
}

/** One worker process and what it has reported. */
interface Worker {
  index: number;
  proc: SpawnedProcess;
  messages: WorkerMessage[];
  /** Outcomes it has reported (all kinds). */
  recorded: number;
  lastWordAt: number;
  done?: LoadSummary;
  lost?: string;
  offsetMs: number;
  /** Resolvers of `nextWord` calls waiting for this worker. */
  waiting: (() => void)[];
}

const PINGS = 5;

/**
 * A {@link LoadGenerator} whose schedule is sent by `workers` processes (issue 13), each every N-th
 * request at its own time (ArrivalSchedule parts), so together they send exactly the one schedule.
 * They are started and their clocks measured in `prepare`, before the start instant is fixed; in
 * `run` each gets the plan and the run clock, and its binned outcomes are merged into the sink as
 * they arrive. A worker that exits before its end or stays silent for `stallMs` is lost: a
 * `load_worker_lost` event, and every request of its share it did not report is recorded as
 * `not_sent` (cause `worker_lost`) at its scheduled time, so the totals still add up to the schedule.
 */
export function workerPoolLoad(o: WorkerPoolOptions): LoadGenerator {
  let pool: Worker[] | undefined;
  const flushMs = o.flushMs ?? 200;
  const stallMs = o.stallMs ?? 3000;

  const start = async (now: () => number): Promise<Worker[]> => {
    const ws = Array.from({ length: o.workers }, (_, index) => spawnWorker(o, index, now));
    try {
      await withTimeout(Promise.all(ws.map((w) => syncClock(w))), o.readyTimeoutMs ?? 10_000,
        `${o.workers} load workers did not start and answer within ${Math.round((o.readyTimeoutMs ?? 10_000) / 1000)}s`);
    } catch (err) {
      await stopAll(ws);
      throw err;
    }
    return ws;
  };

  return {
    async prepare(plan, opts) {
      if (plan.rate === 'max') throw new UsageError('load.workers needs a fixed rate: rate max is a closed loop in one process');
      pool ??= await start(opts.now);
    },
    async run(plan, sink, opts) {
      if (plan.rate === 'max') throw new UsageError('load.workers needs a fixed rate: rate max is a closed loop in one process');
      const merge = sink.merge?.bind(sink);
      const layout = sink.binLayout;
      if (!merge || !layout) throw new Error('load workers send binned outcomes: the sink must merge them');
      const ws = pool ?? await start(opts.now);
      pool = undefined;
      try {
        return await drive(ws, plan, sink, merge, opts, { flushMs, stallMs, layout });
      } finally {
        await stopAll(ws);
      }
    },
  };
}

function spawnWorker(o: WorkerPoolOptions, index: number, now: () => number): Worker {
  const proc = o.spawner.spawn({ argv: o.argv, env: o.env, label: `load worker ${index + 1}/${o.workers}`, stdin: true });
  const w: Worker = { index, proc, messages: [], recorded: 0, lastWordAt: now(), offsetMs: 0, waiting: [] };
  const lines = new LineBuffer();
  proc.onStdout((text) => lines.push(text, (line) => {
    let m: WorkerMessage;
    try {
      m = JSON.parse(line) as WorkerMessage;
    } catch {
      return;
    }
    w.lastWordAt = now();
    w.messages.push(m);
    wake(w);
  }));
  void proc.exited.then(() => wake(w));
  return w;
}

/** Resolves when the worker says something new, exits, or is woken (lost). */
function nextWord(w: Worker): Promise<void> {
  return new Promise((r) => { w.waiting.push(r); });
}

function wake(w: Worker): void {
  for (const r of w.waiting.splice(0)) r();
}

const epoch = (): number => performance.timeOrigin + performance.now();

async function syncClock(w: Worker): Promise<void> {
  while (!w.messages.some((m) => m.w === 'hello')) {
    if (!w.proc.running()) throw new Error(`load worker ${w.index + 1} exited before it started`);
    await nextWord(w);
  }
  const samples: { sentEpoch: number; workerEpoch: number; receivedEpoch: number }[] = [];
  for (let i = 0; i < PINGS; i++) {
    const sentEpoch = epoch();
    tell(w, { ping: sentEpoch });
    let pong: WorkerMessage | undefined;
    while (!(pong = w.messages.find((m) => m.w === 'pong' && m.ping === sentEpoch))) {
      if (!w.proc.running()) throw new Error(`load worker ${w.index + 1} exited during the clock check`);
      await nextWord(w);
    }
    samples.push({ sentEpoch, workerEpoch: (pong as { epoch: number }).epoch, receivedEpoch: epoch() });
  }
  w.offsetMs = clockOffset(samples).offsetMs;
}

function tell(w: Worker, m: ToWorker): void {
  w.proc.write(`${JSON.stringify(m)}\n`);
}

async function drive(ws: Worker[], plan: LoadPlan, sink: OutcomeSink, merge: NonNullable<OutcomeSink['merge']>,
  opts: LoadRunOptions, t: { flushMs: number; stallMs: number; layout: { binMs: number; latencyBinMs: number } }): Promise<LoadSummary> {
  const startMs = opts.startMs ?? opts.now();
  // The run clock's zero in epoch ms: epoch() - now() (both read now).
  const zero = epoch() - opts.now();
  const perWorker: LoadPlan = {
    ...plan,
    connections: Math.max(1, Math.ceil(plan.connections / ws.length)),
    maxInFlight: Math.max(1, Math.ceil(plan.maxInFlight / ws.length)),
  };
  const shares = ws.map((w) => new ArrivalSchedule(startMs, plan.rate as number, plan.durationMs, { index: w.index, of: ws.length }));
  for (const w of ws) {
    w.messages = w.messages.filter((m) => m.w !== 'hello' && m.w !== 'pong');
    tell(w, { start: { plan: perWorker, part: { index: w.index, of: ws.length }, startMs, zeroEpoch: zero + w.offsetMs,
      layout: t.layout, flushMs: t.flushMs } });
    w.lastWordAt = opts.now();
  }
  const aborted = () => opts.signal?.aborted === true;
  // An abort wakes every worker's loop once; it then sees `aborted()`.
  const onAbort = () => ws.forEach(wake);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  await Promise.all(ws.map(async (w) => {
    const stall = setInterval(() => {
      if (w.done || w.lost || opts.now() - w.lastWordAt <= t.stallMs) return;
      lose(w, `stalled: no word for ${Math.round((opts.now() - w.lastWordAt) / 1000)}s`);
      w.proc.kill('SIGKILL');
      wake(w);
    }, Math.min(500, t.stallMs));
    try {
      while (!w.done && !w.lost && !aborted()) {
        for (const m of w.messages.splice(0)) {
          if (m.w === 'chunk' || m.w === 'done') {
            if (m.w === 'chunk' && m.chunk) merge(m.chunk);
            w.recorded = m.recorded;
            if (m.w === 'done') w.done = m.summary;
          }
        }
        if (w.done || aborted()) break;
        if (!w.proc.running()) {
          const exit = await w.proc.exited;
          lose(w, `exited (${exit.signal ?? `code ${exit.code}`}) before the end of its schedule`);
          break;
        }
        await nextWord(w);
      }
    } finally {
      clearInterval(stall);
    }
  }));
  opts.signal?.removeEventListener('abort', onAbort);

  function lose(w: Worker, reason: string): void {
    if (w.lost || w.done) return;
    w.lost = reason;
    const share = shares[w.index];
    const missing = Math.max(0, share.total - w.recorded);
    // Its last `missing` requests have no outcome: sent and unanswered, or never sent.
    for (let i = share.total - missing; i < share.total; i++) {
      sink.record({ start: share.timeOf(i), latencyMs: 0, kind: 'not_sent', cause: 'worker_lost' });
    }
    emitLost(opts.events, { t: opts.now(), worker: w.index + 1, workers: ws.length, reason, notSent: missing });
  }
  return summarize(ws, shares, aborted());
}

function emitLost(events: EventSink | undefined, e: { t: number; worker: number; workers: number; reason: string; notSent: number }): void {
  events?.emit({ t: e.t, type: 'load_worker_lost', worker: e.worker, workers: e.workers, reason: e.reason, notSent: e.notSent });
}

function summarize(ws: Worker[], shares: ArrivalSchedule[], aborted: boolean): LoadSummary {
  const sum = { scheduled: 0, sent: 0, completed: 0, errors: 0, timeouts: 0, notSent: 0 };
  let p99 = 0;
  let max = 0;
  let limitedBy: LoadSummary['limitedBy'];
  const lost = ws.filter((w) => w.lost);
  ws.forEach((w, i) => {
    const d = w.done;
    if (d) {
      sum.scheduled += d.scheduled;
      sum.sent += d.sent;
      sum.completed += d.completed;
      sum.errors += d.errors;
      sum.timeouts += d.timeouts;
      sum.notSent += d.notSent;
      p99 = Math.max(p99, d.lagMs?.p99 ?? 0);
      max = Math.max(max, d.lagMs?.max ?? 0);
      limitedBy ??= d.limitedBy;
    } else if (w.lost) {
      sum.scheduled += shares[i].total;
      sum.notSent += Math.max(0, shares[i].total - w.recorded);
    } else if (aborted) {
      // Cut short: only what it reported was asked for (as the in-process generator counts an abort).
      sum.scheduled += w.recorded;
    }
  });
  if (lost.length > 0) limitedBy = 'worker_lost';
  return { model: 'open', ...sum, lagMs: { p99, max }, ...(limitedBy ? { limitedBy } : {}), workers: ws.length,
    ...(lost.length > 0 ? { workersLost: lost.length } : {}) };
}

async function stopAll(ws: Worker[]): Promise<void> {
  for (const w of ws) if (w.proc.running()) w.proc.kill('SIGTERM');
  await Promise.all(ws.map((w) => withTimeout(w.proc.exited, 3000, '').catch(() => { w.proc.kill('SIGKILL'); return w.proc.exited; })));
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(message)), ms); })])
    .finally(() => clearTimeout(timer));
}
