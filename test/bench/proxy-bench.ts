/**
 * Service proxy benchmark, run by hand (not by vitest):
 *
 *   npm run bench:proxy
 *
 * One real demo-app replica (src/demo-app/server.ts, one query per request) on an embedded
 * Postgres with direct-issuer credentials. autocannon at c=50 against the replica directly, through
 * the kube-proxy-like L4 proxy and through the L7 proxy, in interleaved rounds (the order rotates
 * each round so that a drift of the machine favours no mode). Reports the median req/s of each
 * mode and its ratio to direct, p99 latency, and the proxy's CPU per request in this process.
 *
 * Where things run: the proxy runs in this process, as in the product (the CLI's main process).
 * autocannon runs in a child process by default (BENCH_LOADGEN=child): in one process, autocannon
 * (about one core at this rate) and the proxy would share one event loop, and the ratio would
 * measure that contention instead of the proxy. BENCH_LOADGEN=inprocess runs autocannon in this
 * process too, to see that effect. Direct runs use the same load generator.
 *
 * BENCH_SECONDS (default 4) and BENCH_ROUNDS (default 4) set the length; about a minute in all.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { layoutTable } from '../../src/report/table-layout.js';
import { systemClock } from '../../src/runtime/runtime.js';
import { freeLoopbackPort } from '../../src/runtime/free-port.js';
import { DEFAULT_CREATION_STATEMENTS, DEFAULT_DATABASE_SETUP, DEFAULT_RENEW_STATEMENTS,
  DEFAULT_REVOCATION_STATEMENTS } from '../../src/scenario/schema.js';
import { ensureDatabase } from '../../src/targets/local/database-setup.js';
import { createDirectIssuer } from '../../src/targets/local/issuers/direct-issuer.js';
import { probe, sleep } from '../../src/targets/local/replica-support.js';
import { startProxy, type ServiceProxy } from '../../src/targets/local/proxy.js';
import { startTcpProxy } from '../../src/targets/local/tcp-proxy.js';
import { startTestPg } from '../integration/postgres/helpers.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const LOADGEN = process.env.BENCH_LOADGEN === 'inprocess' ? 'inprocess' : 'child';
const CONNECTIONS = 50;
const ROOT = resolve(import.meta.dirname, '../..');
const AUTOCANNON_CLI = createRequire(import.meta.url).resolve('autocannon');

type Mode = 'direct' | 'kube-proxy' | 'l7';
const MODES: Mode[] = ['direct', 'kube-proxy', 'l7'];

/** One load run: completed req/s, p99 ms, failed requests, and this process's CPU µs per request. */
interface RunResult { rps: number; p99: number; failed: number; cpuUs: number }

interface Totals { total: number; duration: number; p99: number; failed: number }

function loadInChild(url: string, seconds: number): Promise<Totals> {
  const child = spawn(process.execPath, [AUTOCANNON_CLI, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', url],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`autocannon exited with ${code}`));
      const r = JSON.parse(out) as autocannon.Result;
      done({ total: r.requests.total, duration: r.duration, p99: r.latency.p99, failed: r.errors + r.non2xx });
    });
  });
}

function loadInProcess(url: string, seconds: number): Promise<Totals> {
  return new Promise((done, fail) => {
    autocannon({ url, connections: CONNECTIONS, duration: seconds }, (err, r) => {
      if (err) return fail(err);
      done({ total: r.requests.total, duration: r.duration, p99: r.latency.p99, failed: r.errors + r.non2xx });
    });
  });
}

async function run(url: string, seconds = SECONDS): Promise<RunResult> {
  const cpu0 = process.cpuUsage();
  const t = await (LOADGEN === 'child' ? loadInChild(url, seconds) : loadInProcess(url, seconds));
  const cpu = process.cpuUsage(cpu0);
  return { rps: t.total / t.duration, p99: t.p99, failed: t.failed, cpuUs: (cpu.user + cpu.system) / Math.max(1, t.total) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Starts the demo app on a free port and waits until it answers /ready. */
async function startApp(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo-app/server.ts'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH, PORT: String(port), ...env },
  });
  const deadline = performance.now() + 30_000;
  while (!(await probe(port, '/ready', 1000))) {
    if (child.exitCode !== null || performance.now() > deadline) throw new Error('the demo app did not get ready');
    await sleep(200);
  }
  return { child, port };
}

async function main(): Promise<void> {
  const pg = await startTestPg();
  let app: ChildProcess | undefined;
  const proxies: ServiceProxy[] = [];
  try {
    await ensureDatabase(await pg.admin(), 'app');
    const admin = await pg.admin('app');
    for (const sql of DEFAULT_DATABASE_SETUP) await admin.query(sql);
    const issuer = createDirectIssuer({
      admin, database: 'app', clock: systemClock, secrets: pg.secrets,
      role: { name: 'app', creationStatements: DEFAULT_CREATION_STATEMENTS, revocationStatements: DEFAULT_REVOCATION_STATEMENTS,
        renewStatements: DEFAULT_RENEW_STATEMENTS, defaultTtlMs: 3_600_000, maxTtlMs: 3_600_000 },
    });
    await issuer.setup();
    const creds = await issuer.issue();
    const started = await startApp({ PGHOST: pg.endpoint.host, PGPORT: String(pg.endpoint.port), PGDATABASE: 'app',
      PGUSER: creds.username, PGPASSWORD: creds.password });
    app = started.child;

    const l4 = await startTcpProxy();
    const l7 = await startProxy({ upstreamTimeoutMs: 10_000 });
    proxies.push(l4, l7);
    for (const p of [l4, l7]) p.add('r1', started.port);
    const urls: Record<Mode, string> = { direct: `http://127.0.0.1:${started.port}`, 'kube-proxy': l4.url, l7: l7.url };

    for (const mode of MODES) await run(urls[mode], 2); // warm-up (JIT, pools); not counted
    const results: Record<Mode, RunResult[]> = { direct: [], 'kube-proxy': [], l7: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = MODES.map((_m, i) => MODES[(i + round) % MODES.length]!);
      if (round % 2 === 1) order.reverse();
      for (const mode of order) results[mode].push(await run(urls[mode]));
    }
    await issuer.close();

    const direct = median(results.direct.map((r) => r.rps));
    const rows = [['mode', 'req/s (runs)', 'median', 'ratio to direct', 'p99 ms', 'bench CPU µs/req', 'failed']];
    for (const mode of MODES) {
      const rs = results[mode];
      const rps = median(rs.map((r) => r.rps));
      rows.push([mode, rs.map((r) => r.rps.toFixed(0)).join(' '), rps.toFixed(0), `${(rps / direct).toFixed(2)}×`,
        median(rs.map((r) => r.p99)).toFixed(0), median(rs.map((r) => r.cpuUs)).toFixed(1),
        String(rs.reduce((n, r) => n + r.failed, 0))]);
    }
    console.log(`proxy bench: demo app (1 query/request), autocannon c=${CONNECTIONS} in ${LOADGEN === 'child' ? 'a child process' : 'this process'}, ` +
      `${SECONDS}s runs, ${ROUNDS} interleaved rounds, node ${process.version}`);
    console.log(layoutTable(rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right']).join('\n'));
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
    app?.kill('SIGKILL');
    await pg.cleanup();
  }
}

await main();
