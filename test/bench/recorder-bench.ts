/**
 * Recorder benchmark, run by hand (not by vitest):
 *
 *   npx tsx --expose-gc test/bench/recorder-bench.ts
 *
 * (a) Throughput cost: a plain node:http server in a child process, autocannon (in this process)
 *     at max rate with 50 connections, interleaving runs without any listener and runs that feed
 *     every response and request error into a TimelineRecorder. Reports the ratio of medians.
 * (b) Memory: 1,000,000 synthetic outcomes over 100 s into one recorder; heap + ArrayBuffer growth
 *     after GC, cost per record() and the size of timeline.json.
 *
 * BENCH_SECONDS (default 6) and BENCH_PAIRS (default 4) change the length of (a); total about 1 minute.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import type { OutcomeKind } from '../../src/ports/outcomes.js';
import { layoutTable } from '../../src/report/table-layout.js';
import { TimelineRecorder } from '../../src/recorder/timeline-recorder.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 4);
const gc = (globalThis as { gc?: () => void }).gc;

const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok'); });
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.stdout!.once('data', (chunk: Buffer) => resolve({ child, url: `http://127.0.0.1:${chunk.toString().trim()}` }));
  });
}

/** Completed requests per second and client CPU µs per request of one run. */
interface RunResult {
  rps: number;
  cpuUs: number;
}

/** One autocannon run; with a recorder, the same 'response'/'reqError' handling as the load adapter. */
function run(url: string, recorder: TimelineRecorder | null): Promise<RunResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const inst = autocannon({ url, connections: 50, duration: SECONDS }, (err, res) => {
      if (err) return reject(err);
      const cpu = process.cpuUsage(cpu0);
      resolve({ rps: res.requests.total / res.duration, cpuUs: (cpu.user + cpu.system) / Math.max(1, res.requests.total) });
    });
    if (!recorder) return;
    inst.on('response', (_client, status: number, _bytes: number, responseTime: number) => {
      const kind: OutcomeKind = status >= 200 && status < 300 ? 'ok' : status >= 500 ? 'http_5xx' : 'http_4xx';
      recorder.record({ start: performance.now() - t0 - responseTime, latencyMs: responseTime, kind });
    });
    inst.on('reqError', (err: NodeJS.ErrnoException) => {
      const kind: OutcomeKind = err.code === 'ECONNREFUSED' ? 'conn_refused' : err.code === 'ECONNRESET' ? 'conn_reset'
        : err.message === 'request timed out' ? 'timeout' : 'other';
      recorder.record({ start: performance.now() - t0, latencyMs: 0, kind, cause: err.code });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function memoryBench(): { mb: number; nsPerRecord: number; jsonKb: number } {
  const used = () => {
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  const rec = new TimelineRecorder({ binMs: 10 });
  const N = 1_000_000;
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    const r = (i * 7919) % 1000; // deterministic mix: 98.5 % ok
    let kind: OutcomeKind = 'ok';
    let cause: string | undefined;
    if (r < 5) [kind, cause] = ['http_5xx', r < 3 ? '28P01' : '57P01'];
    else if (r < 9) kind = 'conn_refused';
    else if (r < 11) [kind, cause] = ['conn_reset', 'ECONNRESET'];
    else if (r < 12) kind = 'timeout';
    else if (r < 15) kind = 'http_4xx';
    const latencyMs = kind === 'timeout' ? 10_000 : kind === 'conn_refused' ? 0.2 : 0.5 + ((i * 31) % 400) / 10;
    rec.record({ start: i * 0.1, latencyMs, kind, cause });
  }
  const nsPerRecord = ((performance.now() - t) * 1e6) / N;
  const mb = (used() - before) / 2 ** 20;
  const jsonKb = JSON.stringify(rec.toData()).length / 1024;
  if (rec.snapshot().requests !== N) throw new Error('lost records');
  return { mb, nsPerRecord, jsonKb };
}

async function main(): Promise<void> {
  if (!gc) console.error('warning: run with --expose-gc for meaningful memory figures');
  const mem = memoryBench();
  const { child, url } = await startServer();
  try {
    await run(url, new TimelineRecorder({ binMs: 10 })); // warm both sides up; not counted
    const plain: RunResult[] = [];
    const recorded: RunResult[] = [];
    for (let p = 0; p < PAIRS; p++) {
      // ABBA order so that a slow drift of the machine does not favour one side
      const order = p % 2 === 0 ? [false, true] : [true, false];
      for (const withRecorder of order) {
        const result = await run(url, withRecorder ? new TimelineRecorder({ binMs: 10 }) : null);
        (withRecorder ? recorded : plain).push(result);
      }
    }
    const rps = (xs: RunResult[]) => xs.map((x) => x.rps);
    const cpu = (xs: RunResult[]) => xs.map((x) => x.cpuUs);
    const ratio = median(rps(recorded)) / median(rps(plain));
    const fmt = (xs: number[], digits = 0) => xs.map((x) => x.toFixed(digits)).join(' ');
    const rows = [
      ['measure', 'value'],
      ['req/s without listener (runs)', fmt(rps(plain))],
      ['req/s with recorder (runs)', fmt(rps(recorded))],
      ['median req/s without / with', `${median(rps(plain)).toFixed(0)} / ${median(rps(recorded)).toFixed(0)}`],
      ['throughput loss (ratio of medians)', `${((1 - ratio) * 100).toFixed(1)}%`],
      ['client CPU µs/request without (runs)', fmt(cpu(plain), 1)],
      ['client CPU µs/request with (runs)', fmt(cpu(recorded), 1)],
      ['median client CPU µs/request without / with', `${median(cpu(plain)).toFixed(1)} / ${median(cpu(recorded)).toFixed(1)}`],
      ['1M outcomes over 100 s: heap+arrayBuffers', `${mem.mb.toFixed(2)} MB`],
      ['record() cost', `${mem.nsPerRecord.toFixed(0)} ns`],
      ['toData() JSON size', `${mem.jsonKb.toFixed(0)} KB`],
    ];
    console.log(`recorder bench: c=50, ${SECONDS}s runs, ${PAIRS} interleaved pairs, node ${process.version}`);
    console.log(layoutTable(rows, ['left', 'right']).join('\n'));
  } finally {
    child.kill('SIGTERM');
  }
}

await main();
