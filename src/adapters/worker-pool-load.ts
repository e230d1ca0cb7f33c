import { UsageError } from '../errors/errors.js';
import { mergeWorkers, waiter, workerPlan, type WorkerLink } from '../load/worker-merge.js';
import { clockOffset, epochNow as epoch, MAX_MESSAGE_CHARS, type ToWorker, type WorkerMessage } from '../load/worker-protocol.js';
import { LineBuffer } from '../runtime/line-buffer.js';
import { withTimeout } from '../runtime/timers.js';
import type { LoadGenerator, ServiceEndpoints } from '../ports/load.js';
import type { ProcessSpawner, SpawnedProcess } from '../ports/process-spawner.js';

/** What a pool of local load workers needs. */
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
  /**
   * The Service's endpoints (kube-proxy mode): each worker then routes its own connections to them,
   * told of every change, and this process carries no load bytes. Absent: workers send to the URL.
   */
  endpoints?: ServiceEndpoints;
}

/** A worker process: its link, its process and its measured clock offset. */
interface LocalWorker extends WorkerLink {
  proc: SpawnedProcess;
  offsetMs: number;
}

const PINGS = 5;

/**
 * A {@link LoadGenerator} whose schedule is sent by `workers` local processes (issue 13), each every
 * N-th request at its own time, so together they send exactly the one schedule. They are started
 * and their clocks measured (five ping round trips over their stdin/stdout) in `prepare`, before the
 * start instant is fixed; in `run` each gets the plan and the run clock, and their binned outcomes
 * are merged as they arrive (src/load/worker-merge.ts: lost workers, their unsent share).
 */
export function workerPoolLoad(o: WorkerPoolOptions): LoadGenerator {
  let pool: LocalWorker[] | undefined;
  const start = async (now: () => number): Promise<LocalWorker[]> => {
    const ws = Array.from({ length: o.workers }, (_, index) => spawnWorker(o, index, now));
    const limit = o.readyTimeoutMs ?? 10_000;
    try {
      await withTimeout(Promise.all(ws.map((w) => syncClock(w))), limit,
        `${o.workers} load workers did not start and answer within ${Math.round(limit / 1000)}s`);
    } catch (err) {
      await stopAll(ws);
      throw err;
    }
    return ws;
  };
  const refuseMax = (rate: number | 'max') => {
    if (rate === 'max') throw new UsageError('load.workers needs a fixed rate: rate max is a closed loop in one process');
  };

  return {
    async prepare(plan, opts) {
      refuseMax(plan.rate);
      pool ??= await start(opts.now);
    },
    async run(plan, sink, opts) {
      refuseMax(plan.rate);
      const merge = sink.merge?.bind(sink);
      const layout = sink.binLayout;
      if (!merge || !layout) throw new Error('load workers send binned outcomes: the sink must merge them');
      const ws = pool ?? await start(opts.now);
      pool = undefined;
      // Every worker hears of each endpoint change at once, as every node's kube-proxy does.
      const unwatch = o.endpoints?.watch((ports) => {
        for (const w of ws) tell(w, { endpoints: [...ports] });
      });
      try {
        const startMs = opts.startMs ?? opts.now();
        // The run clock's zero on vaultctl's epoch clock; each worker gets it on its own (offset) clock.
        const zero = epoch() - opts.now();
        const share = workerPlan(plan, ws.length);
        for (const w of ws) {
          w.messages = [];
          tell(w, { start: { plan: share, part: { index: w.index, of: ws.length }, startMs, zeroEpoch: zero + w.offsetMs,
            layout, flushMs: o.flushMs ?? 200, ...(o.endpoints ? { endpoints: [...o.endpoints.ports()] } : {}) } });
          w.lastWordAt = opts.now();
        }
        return await mergeWorkers(ws, { plan, startMs, sink, merge, now: opts.now, signal: opts.signal, events: opts.events,
          stallMs: o.stallMs ?? 3000 });
      } finally {
        unwatch?.();
        await stopAll(ws);
      }
    },
  };
}

function spawnWorker(o: WorkerPoolOptions, index: number, now: () => number): LocalWorker {
  const proc = o.spawner.spawn({ argv: o.argv, env: o.env, label: `load worker ${index + 1}/${o.workers}`, stdin: true });
  const wait = waiter();
  let end: string | undefined;
  const w: LocalWorker = {
    index, proc, messages: [], lastWordAt: now(), offsetMs: 0,
    next: wait.next, wake: wait.wake, ended: () => end, kill: () => { proc.kill('SIGKILL'); },
  };
  const lines = new LineBuffer('\n', MAX_MESSAGE_CHARS);
  proc.onStdout((text) => {
    for (const line of lines.push(text)) {
      let m: WorkerMessage;
      try {
        m = JSON.parse(line) as WorkerMessage;
      } catch {
        continue;
      }
      w.lastWordAt = now();
      w.messages.push(m);
      w.wake();
    }
  });
  void proc.exited.then((exit) => {
    end = exit.error ? `could not start (${exit.error.message})` : `exited (${exit.signal ?? `code ${exit.code}`})`;
    w.wake();
  });
  return w;
}

async function syncClock(w: LocalWorker): Promise<void> {
  const until = async (what: string, found: () => WorkerMessage | undefined): Promise<WorkerMessage> => {
    let m: WorkerMessage | undefined;
    while (!(m = found())) {
      const end = w.ended();
      if (end !== undefined) throw new Error(`load worker ${w.index + 1} ${end} ${what}`);
      await w.next();
    }
    return m;
  };
  await until('before it started', () => w.messages.find((m) => m.w === 'hello'));
  const samples: { sentEpoch: number; workerEpoch: number; receivedEpoch: number }[] = [];
  for (let i = 0; i < PINGS; i++) {
    const sentEpoch = epoch();
    tell(w, { ping: sentEpoch });
    const pong = await until('during the clock check', () => w.messages.find((m) => m.w === 'pong' && m.ping === sentEpoch));
    samples.push({ sentEpoch, workerEpoch: (pong as { epoch: number }).epoch, receivedEpoch: epoch() });
  }
  w.offsetMs = clockOffset(samples).offsetMs;
}

function tell(w: LocalWorker, m: ToWorker): void {
  w.proc.write(`${JSON.stringify(m)}\n`);
}

async function stopAll(ws: LocalWorker[]): Promise<void> {
  for (const w of ws) if (w.proc.running()) w.proc.kill('SIGTERM');
  await Promise.all(ws.map((w) => withTimeout(w.proc.exited, 3000, '').catch(() => { w.proc.kill('SIGKILL'); return w.proc.exited; })));
}
