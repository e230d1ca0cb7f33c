import { openModelLoad } from '../adapters/open-model-load.js';
import { epochNow as epoch, MAX_MESSAGE_CHARS, type ToWorker, type WorkerMessage, type WorkerStart } from '../load/worker-protocol.js';
import { LineBuffer } from '../runtime/line-buffer.js';
import { ChunkRecorder } from '../recorder/outcome-chunk.js';

/*
 * A load worker (issue 13): one process that sends its share of an open-model schedule and streams
 * its outcomes, binned, to vaultctl on stdout (protocol: src/load/worker-protocol.ts). Bundled with
 * esbuild into dist/load-worker/bundle.cjs, so it runs on a stock node image as the demo app does.
 * vaultctl's stdin closing (vaultctl gone) stops it: a worker never outlives its run.
 */

const send = (m: WorkerMessage, then?: () => void): void => {
  process.stdout.write(`${JSON.stringify(m)}\n`, then);
};

const stop = new AbortController();
let started = false;
/** The Service's endpoints as vaultctl last told them (local target, kube-proxy mode). */
let endpoints: readonly number[] = [];

async function run(start: WorkerStart): Promise<void> {
  started = true;
  const now = (): number => epoch() - start.zeroEpoch;
  const rec = new ChunkRecorder(start.layout);
  const flush = (): void => {
    const chunk = rec.take();
    send({ w: 'chunk', t: now(), recorded: rec.recorded, ...(chunk ? { chunk } : {}) });
  };
  const timer = setInterval(flush, start.flushMs);
  try {
    if (start.endpoints) endpoints = start.endpoints;
    const summary = await openModelLoad.run(start.plan, rec, { now, signal: stop.signal, startMs: start.startMs, part: start.part,
      ...(start.endpoints ? { endpoints: () => endpoints } : {}) });
    clearInterval(timer);
    flush();
    send({ w: 'done', recorded: rec.recorded, summary }, () => process.exit(0));
  } catch (err) {
    clearInterval(timer);
    process.stderr.write(`load worker: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

function onMessage(m: ToWorker): void {
  if ('ping' in m) send({ w: 'pong', ping: m.ping, epoch: epoch() });
  else if ('endpoints' in m) endpoints = m.endpoints;
  else if ('start' in m && !started) void run(m.start);
}

/**
 * In a Kubernetes Job (src/targets/kubernetes/job-load.ts) there is no stdin: the start comes in
 * the environment, the share from the indexed Job's completion index, and the run clock's zero is
 * vaultctl's (node clocks are NTP-synchronised; vaultctl checks the chunks' times against its own).
 */
function startFromEnv(): boolean {
  const raw = process.env.VAULTCTL_WORKER_START;
  if (!raw) return false;
  const start = JSON.parse(raw) as WorkerStart;
  const index = Number(process.env.JOB_COMPLETION_INDEX ?? start.part.index);
  send({ w: 'hello', epoch: epoch(), pid: process.pid });
  void run({ ...start, part: { index, of: start.part.of } });
  return true;
}

if (!startFromEnv()) listenOnStdin();

/** Locally (src/adapters/worker-pool-load.ts): pings and the start come on stdin; its end stops the worker. */
function listenOnStdin(): void {
  const lines = new LineBuffer('\n', MAX_MESSAGE_CHARS);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    for (const line of lines.push(text)) {
      if (!line.trim()) continue;
      try {
        onMessage(JSON.parse(line) as ToWorker);
      } catch {
        process.stderr.write('load worker: a line that is not a message was ignored\n');
      }
    }
  });
  // vaultctl is gone (or done with us): stop sending at once.
  process.stdin.on('end', () => {
    stop.abort();
    if (!started) process.exit(0);
    setTimeout(() => process.exit(0), 1000).unref();
  });
  send({ w: 'hello', epoch: epoch(), pid: process.pid });
}

process.on('SIGTERM', () => {
  stop.abort();
  process.exit(0);
});
