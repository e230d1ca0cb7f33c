import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeProcessSpawner } from '../../../src/adapters/node-process-spawner.js';
import { openModelLoad } from '../../../src/adapters/open-model-load.js';
import { workerPoolLoad } from '../../../src/adapters/worker-pool-load.js';
import type { LoadGenerator, LoadPlan, ServiceEndpoints } from '../../../src/ports/load.js';
import type { SpawnedProcess } from '../../../src/ports/process-spawner.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { openRunLedger } from '../../../src/runtime/run-ledger.js';
import { startTcpProxy } from '../../../src/targets/local/tcp-proxy.js';
import { repoRoot } from '../../support/cli-harness.js';

/*
 * Issue 13, "the CLI only merges": load workers given the local Service's endpoints route their
 * own connections as a node's kube-proxy does (a random ready endpoint per new connection, kept for
 * the connection's life; refused with none), told of every change, so the Service proxy in
 * vaultctl's process carries none of the load. Real sockets, real worker processes.
 */
const BUNDLE = join(repoRoot, 'dist', 'load-worker', 'bundle.cjs');
const RATE = 300;

let dir: string;
let spawned: SpawnedProcess[] = [];
const closers: Array<() => Promise<void>> = [];
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'vaultctl-worker-endpoints-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  expect(spawned.filter((p) => p.running())).toEqual([]);
  spawned = [];
});

/** A replica: answers 200, records when each request came; once drained it answers with `Connection: close`, as the demo app drains. */
async function replica(now: () => number) {
  const seen: number[] = [];
  let draining = false;
  const server = http.createServer((_req, res) => {
    seen.push(now());
    if (draining) res.setHeader('connection', 'close');
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { port: (server.address() as AddressInfo).port, seen, drain: (on: boolean) => { draining = on; } };
}

function workers(n: number, endpoints: ServiceEndpoints | undefined): LoadGenerator {
  const real = createNodeProcessSpawner(openRunLedger(join(dir, 'runs')));
  return workerPoolLoad({
    spawner: { spawn: (req) => { const p = real.spawn(req); spawned.push(p); return p; } },
    workers: n, argv: [process.execPath, BUNDLE], env: { PATH: process.env.PATH ?? '' }, endpoints,
  });
}

const plan = (url: string, durationMs: number): LoadPlan => ({
  url, rate: RATE, connections: 8, maxInFlight: RATE, keepAlive: true, durationMs, timeoutMs: 1000,
  request: { method: 'GET', path: '/', headers: {} }, success: { statusMin: 200, statusMax: 299 },
});

const between = (times: number[], from: number, to: number) => times.filter((t) => t >= from && t < to).length;

describe('load workers route their own connections to the Service\'s endpoints', () => {
  it('both endpoints, then one, then none (refused), then one again: routed as kube-proxy routes, none through the proxy', async () => {
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const proxy = await startTcpProxy();
    closers.push(() => proxy.close());
    const a = await replica(now);
    const b = await replica(now);
    proxy.add('a', a.port);
    proxy.add('b', b.port);

    const gen = workers(2, proxy.endpoints);
    const p = plan(proxy.url, 4000);
    await gen.prepare!(p, { now });
    const startMs = Math.ceil(now() / 10) * 10 + 100;
    // 0–1 s both; 1 s: a drained and removed; 2 s: b too (no endpoint); 3 s: a back.
    const at = (s: number, fn: () => void) => setTimeout(fn, startMs + s * 1000 - now());
    at(1, () => { a.drain(true); proxy.remove('a'); });
    at(2, () => { b.drain(true); proxy.remove('b'); });
    at(3, () => { a.drain(false); proxy.add('a', a.port); });
    let proxied = 0;
    const watch = setInterval(() => { proxied = Math.max(proxied, proxy.connections()); }, 20);
    const recorder = new TimelineRecorder({ binMs: 10 });
    const summary = await gen.run(p, recorder, { now, startMs });
    clearInterval(watch);

    const snap = recorder.snapshot();
    expect(summary).toMatchObject({ scheduled: 4 * RATE, workers: 2 });
    expect(snap.requests).toBe(4 * RATE);
    // vaultctl's Service proxy carried no connection: the workers were their own kube-proxy.
    expect(proxied).toBe(0);
    // First second: connections spread over both endpoints.
    expect(between(a.seen, startMs, startMs + 1000)).toBeGreaterThan(RATE * 0.15);
    expect(between(b.seen, startMs, startMs + 1000)).toBeGreaterThan(RATE * 0.15);
    // Once a was removed (and answered `close`), new connections went to b only: a saw at most the
    // requests already on their way when the change reached the workers.
    expect(between(a.seen, startMs + 1100, startMs + 3000)).toBe(0);
    expect(between(b.seen, startMs + 1100, startMs + 2000)).toBeGreaterThan(RATE * 0.85);
    // With no endpoint every new connection was refused, as kube-proxy's REJECT rule refuses it.
    const refused = snap.byCause['conn_refused:ECONNREFUSED'] ?? 0;
    expect(refused, JSON.stringify(snap.byCause)).toBeGreaterThan(RATE * 0.85);
    expect(refused).toBeLessThan(RATE * 1.1);
    expect(between(b.seen, startMs + 2100, startMs + 4000)).toBe(0);
    // a back: it took the load again.
    expect(between(a.seen, startMs + 3100, startMs + 4000)).toBeGreaterThan(RATE * 0.85);
    expect(snap.failures).toBe(refused);
  }, 30_000);

  it('in vaultctl\'s own process the same routing holds: no endpoint is ECONNREFUSED without a socket', async () => {
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const a = await replica(now);
    let ports: number[] = [];
    setTimeout(() => { ports = [a.port]; }, 500);
    const recorder = new TimelineRecorder({ binMs: 10 });
    const summary = await openModelLoad.run(plan('http://127.0.0.1:9', 1000), recorder, { now, startMs: 0, endpoints: () => ports });
    const snap = recorder.snapshot();
    expect(summary.scheduled).toBe(RATE);
    // Half a second refused, half a second answered by the one endpoint; never the URL's port 9.
    expect(snap.byCause['conn_refused:ECONNREFUSED']).toBeGreaterThan(RATE * 0.4);
    expect(snap.byCause['conn_refused:ECONNREFUSED']).toBeLessThan(RATE * 0.6);
    expect(a.seen.length + snap.failures).toBe(RATE);
  }, 10_000);
});
