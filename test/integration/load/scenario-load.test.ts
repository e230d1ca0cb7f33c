import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { scenarioLoad } from '../../../src/adapters/load-generator.js';
import { UsageError } from '../../../src/errors/errors.js';
import type { LoadPlan, LoadSummary } from '../../../src/ports/load.js';
import type { OutcomeKind, RequestOutcome } from '../../../src/ports/outcomes.js';
import { startProxy, type ServiceProxy } from '../../../src/targets/local/proxy.js';

const servers: http.Server[] = [];
const proxies: ServiceProxy[] = [];
const timers: NodeJS.Timeout[] = [];

afterEach(async () => {
  timers.splice(0).forEach(clearTimeout);
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => closeServer(s)));
});

function closeServer(s: http.Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((resolve) => (s.listening ? s.close(() => resolve()) : resolve()));
}

async function listen(handler: http.RequestListener, port = 0): Promise<{ server: http.Server; port: number; sockets: Set<Socket> }> {
  const server = http.createServer(handler);
  // Every connection the server ever accepted, to see how the client used its connections.
  const sockets = new Set<Socket>();
  server.on('connection', (sock) => sockets.add(sock));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

/** A real upstream behind a real proxy. */
async function target(handler: http.RequestListener): Promise<ServiceProxy> {
  const { port } = await listen(handler);
  const proxy = await startProxy({ port: 0, upstreamTimeoutMs: 2000 });
  proxies.push(proxy);
  proxy.add('r1', port);
  return proxy;
}

function plan(url: string, over: Partial<LoadPlan> = {}): LoadPlan {
  return {
    url, rate: 100, connections: 5, maxInFlight: 200, keepAlive: true, durationMs: 2000, timeoutMs: 2000,
    request: { method: 'GET', path: '/', headers: {} },
    success: { statusMin: 200, statusMax: 299 },
    ...over,
  };
}

interface Run { outcomes: RequestOutcome[]; summary: LoadSummary; t0: number; t1: number }

async function run(p: LoadPlan, signal?: AbortSignal): Promise<Run> {
  const outcomes: RequestOutcome[] = [];
  const now = (): number => performance.now();
  const t0 = now();
  const summary = await scenarioLoad.run(p, { record: (o) => outcomes.push(o) }, { now, signal });
  return { outcomes, summary, t0, t1: now() };
}

function kinds(outcomes: RequestOutcome[]): Partial<Record<OutcomeKind, number>> {
  const out: Partial<Record<OutcomeKind, number>> = {};
  for (const o of outcomes) out[o.kind] = (out[o.kind] ?? 0) + 1;
  return out;
}

/** Runs `fn` at `ms` after now; cleared after each test. */
function at(ms: number, fn: () => void): void {
  timers.push(setTimeout(fn, ms));
}

describe('scenario load: open model for a fixed rate', () => {
  it('starts exactly rate × duration requests on schedule, each with one outcome, all inside the run', async () => {
    const proxy = await target((_req, res) => res.end('ok'));
    const { outcomes, summary, t0, t1 } = await run(plan(proxy.url, { rate: 100, durationMs: 2000 }));
    expect(summary).toMatchObject({ model: 'open', scheduled: 200, sent: 200, completed: 200, errors: 0, notSent: 0 });
    expect(outcomes.length).toBe(200);
    expect(kinds(outcomes)).toEqual({ ok: 200 });
    const starts = outcomes.map((o) => o.start).sort((a, b) => a - b);
    // Starts are the schedule itself: 10 ms apart, whenever the timer actually fired.
    starts.forEach((s, i) => expect(s - starts[0]).toBeCloseTo(i * 10, 6));
    expect(starts[0]).toBeGreaterThanOrEqual(t0 - 1);
    for (const o of outcomes) expect(o.start + o.latencyMs).toBeLessThanOrEqual(t1 + 1);
    expect(summary.lagMs!.max).toBeLessThan(1000);
  }, 20_000);

  it('keeps the schedule while the workload hangs, where a closed loop sends a fraction (coordinated omission)', async () => {
    // Every request hangs 1.5 s; the client gives up at 1 s.
    const hang = await listen((_req, res) => { setTimeout(() => res.end('late'), 1500).unref(); });
    const url = `http://127.0.0.1:${hang.port}`;
    const open = await run(plan(url, { rate: 50, connections: 2, maxInFlight: 100, durationMs: 2000, timeoutMs: 1000 }));
    expect(open.summary).toMatchObject({ scheduled: 100, sent: 100, timeouts: 100, notSent: 0 });
    expect(kinds(open.outcomes)).toEqual({ timeout: 100 });
    // Latency runs from the scheduled start: the timeout plus however late the request went out.
    for (const o of open.outcomes) expect(o.latencyMs).toBeGreaterThanOrEqual(1000);
    const closed = await run(plan(url, { rate: 'max', connections: 2, durationMs: 2000, timeoutMs: 1000 }));
    expect(closed.summary.model).toBe('closed');
    // Two connections that wait for each answer: a few requests where the schedule had a hundred.
    expect(closed.summary.sent).toBeLessThanOrEqual(10);
  }, 20_000);

  it('records requests beyond maxInFlight as not_sent (max_in_flight), never skips them', async () => {
    const { port } = await listen(() => { /* never answers */ });
    const { outcomes, summary } = await run(plan(`http://127.0.0.1:${port}`, {
      rate: 50, connections: 2, maxInFlight: 5, durationMs: 1000, timeoutMs: 2000,
    }));
    expect(summary).toMatchObject({ scheduled: 50, sent: 5, notSent: 45, timeouts: 5, limitedBy: 'max_in_flight' });
    expect(kinds(outcomes)).toEqual({ timeout: 5, not_sent: 45 });
    expect(outcomes.filter((o) => o.kind === 'not_sent').every((o) => o.cause === 'max_in_flight')).toBe(true);
  }, 20_000);

  it('names the generator when its own event loop falls further behind than the timeout', async () => {
    const proxy = await target((_req, res) => res.end('ok'));
    // vaultctl's process blocked for 700 ms: requests due in it are late; those later than the timeout are not sent.
    at(300, () => { const until = performance.now() + 700; while (performance.now() < until) { /* busy */ } });
    const { outcomes, summary } = await run(plan(proxy.url, { rate: 100, durationMs: 1500, timeoutMs: 300 }));
    const behind = outcomes.filter((o) => o.kind === 'not_sent');
    expect(behind.length).toBeGreaterThan(20);
    expect(behind.every((o) => o.cause === 'generator_behind')).toBe(true);
    expect(summary.limitedBy).toBe('generator');
    expect(summary.lagMs!.max).toBeGreaterThan(250);
    expect(outcomes.length).toBe(150);
  }, 20_000);

  it('reuses a pool of kept-alive connections, or opens one per request without keep-alive', async () => {
    const kept = await listen((_req, res) => res.end('ok'));
    await run(plan(`http://127.0.0.1:${kept.port}`, { rate: 100, connections: 4, durationMs: 1000 }));
    expect(kept.sockets.size).toBeGreaterThanOrEqual(1);
    expect(kept.sockets.size).toBeLessThanOrEqual(6);
    const fresh = await listen((_req, res) => res.end('ok'));
    const { summary } = await run(plan(`http://127.0.0.1:${fresh.port}`, { rate: 100, connections: 4, keepAlive: false, durationMs: 1000 }));
    expect(summary.sent).toBe(100);
    expect(fresh.sockets.size).toBe(100);
  }, 20_000);

  it('classifies a 503 with a SQLSTATE cause as http_5xx/28P01', async () => {
    const proxy = await target((_req, res) => {
      res.writeHead(503, { 'X-Vaultctl-Cause': '28P01' });
      res.end('password authentication failed');
    });
    const { outcomes, summary } = await run(plan(proxy.url, { rate: 20, connections: 2, durationMs: 1000 }));
    expect(outcomes.length).toBe(20);
    expect(outcomes.every((o) => o.kind === 'http_5xx' && o.cause === '28P01')).toBe(true);
    expect(summary.completed).toBe(20);
  }, 20_000);

  it('classifies a 200 whose body fails bodyIncludes as body_error', async () => {
    const proxy = await target((_req, res) => res.end('{"status":"degraded"}'));
    const { outcomes } = await run(plan(proxy.url, {
      rate: 20, connections: 2, durationMs: 1000,
      success: { statusMin: 200, statusMax: 299, bodyIncludes: '"ok"' },
    }));
    expect(kinds(outcomes)).toEqual({ body_error: 20 });
  }, 20_000);

  it('sees conn_refused (no_endpoints) through the L7 proxy only while the backend is removed', async () => {
    const { port } = await listen((_req, res) => res.end('ok'));
    const proxy = await startProxy({ port: 0, upstreamTimeoutMs: 2000 });
    proxies.push(proxy);
    proxy.add('r1', port);
    let gap = { from: Infinity, to: Infinity };
    at(700, () => { proxy.remove('r1'); gap = { ...gap, from: performance.now() }; });
    at(1400, () => { gap = { ...gap, to: performance.now() }; proxy.add('r1', port); });
    const { outcomes } = await run(plan(proxy.url, { rate: 100, durationMs: 2500 }));

    const refused = outcomes.filter((o) => o.kind === 'conn_refused');
    // An open model sees the whole gap: 700 ms at 100/s.
    expect(refused.length).toBeGreaterThanOrEqual(60);
    expect(refused.length).toBeLessThanOrEqual(80);
    expect(refused.every((o) => o.cause === 'no_endpoints')).toBe(true);
    // Refused only by a proxy without the backend: each answer came after the removal (a request
    // sent just before it may still reach the proxy after it, so the send time alone is no bound),
    // and each was sent before the backend was back.
    for (const o of refused) {
      expect(o.start + o.latencyMs).toBeGreaterThanOrEqual(gap.from - 1);
      expect(o.start).toBeLessThanOrEqual(gap.to + 5);
    }
    expect(outcomes.every((o) => o.kind === 'ok' || o.kind === 'conn_refused')).toBe(true);
  }, 20_000);

  it('reports connection errors to a port nobody listens on, and recovers once it is back', async () => {
    const first = await listen((_req, res) => res.end('ok'));
    const port = first.port;
    let gap = { from: Infinity, to: Infinity };
    at(700, () => {
      gap = { ...gap, from: performance.now() };
      void closeServer(first.server);
    });
    at(1400, () => {
      gap = { ...gap, to: performance.now() };
      void listen((_req, res) => res.end('ok'), port);
    });
    const { outcomes, summary } = await run(plan(`http://127.0.0.1:${port}`, { rate: 50, connections: 2, durationMs: 2500 }));
    const failed = outcomes.filter((o) => o.kind !== 'ok');
    expect(failed.every((o) => o.kind === 'conn_refused' || o.kind === 'conn_reset')).toBe(true);
    for (const o of failed) expect(o.start).toBeGreaterThanOrEqual(gap.from - 5);
    // 700 ms without a listener at 50/s: about 35 failures, each request counted once.
    expect(failed.length).toBeGreaterThanOrEqual(30);
    expect(failed.length).toBeLessThanOrEqual(40);
    const okAfter = outcomes.filter((o) => o.kind === 'ok' && o.start > gap.to + 20);
    expect(okAfter.length).toBeGreaterThan(0);
    expect(Math.max(...okAfter.map((o) => o.latencyMs))).toBeLessThan(250);
    expect(outcomes.length).toBe(summary.scheduled);
  }, 20_000);

  it('stops at once when the signal aborts, counting only what was scheduled until then', async () => {
    const proxy = await target((_req, res) => res.end('ok'));
    const ac = new AbortController();
    at(500, () => ac.abort());
    const { outcomes, summary, t0, t1 } = await run(plan(proxy.url, { rate: 50, durationMs: 10_000 }), ac.signal);
    expect(t1 - t0).toBeLessThan(1000);
    expect(summary.scheduled).toBeGreaterThanOrEqual(20);
    expect(summary.scheduled).toBeLessThanOrEqual(30);
    expect(outcomes.length).toBeLessThanOrEqual(summary.scheduled);
  }, 20_000);

  it('rejects a target that is not on this machine with a UsageError', async () => {
    const sink = { record: () => {} };
    const now = (): number => performance.now();
    await expect(scenarioLoad.run(plan('http://10.1.2.3:8080'), sink, { now })).rejects.toBeInstanceOf(UsageError);
    await expect(scenarioLoad.run(plan('http://example.com', { rate: 'max' }), sink, { now })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('scenario load: closed loop for rate max (autocannon)', () => {
  it('runs autocannon and reports a closed-loop summary whose schedule is what it sent', async () => {
    const proxy = await target((_req, res) => res.end('ok'));
    const { outcomes, summary } = await run(plan(proxy.url, { rate: 'max', connections: 2, durationMs: 1000 }));
    expect(summary.model).toBe('closed');
    expect(summary.scheduled).toBe(summary.sent);
    expect(summary.notSent).toBe(0);
    expect(outcomes.length).toBe(summary.completed + summary.errors);
    expect(outcomes.length).toBeGreaterThan(50);
    expect(kinds(outcomes)).toEqual({ ok: outcomes.length });
  }, 20_000);

  it('reports autocannon timeouts with the timeout as latency', async () => {
    const { port } = await listen(() => { /* never answers */ });
    const { outcomes, summary } = await run(plan(`http://127.0.0.1:${port}`, {
      rate: 'max', connections: 2, durationMs: 2500, timeoutMs: 1000,
    }));
    expect(outcomes.length).toBeGreaterThanOrEqual(2);
    expect(kinds(outcomes)).toEqual({ timeout: outcomes.length });
    for (const o of outcomes) expect(o.latencyMs).toBe(1000);
    expect(summary.timeouts).toBe(outcomes.length);
  }, 20_000);
});
