import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { autocannonLoad } from '../../../src/adapters/autocannon-load.js';
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

async function listen(handler: http.RequestListener, port = 0): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
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
    url, rate: 100, connections: 5, durationMs: 2000, timeoutMs: 2000,
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
  const summary = await autocannonLoad.run(p, { record: (o) => outcomes.push(o) }, { now, signal });
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

describe('autocannon load generator', () => {
  it('records about rate × duration outcomes, all inside the run window', async () => {
    const proxy = await target((_req, res) => res.end('ok'));
    const { outcomes, summary, t0, t1 } = await run(plan(proxy.url, { rate: 100, durationMs: 2000 }));
    // Wide band: the rate is a per-second budget and the box is shared.
    expect(outcomes.length).toBeGreaterThanOrEqual(100);
    expect(outcomes.length).toBeLessThanOrEqual(260);
    expect(kinds(outcomes)).toEqual({ ok: outcomes.length });
    for (const o of outcomes) {
      expect(o.start).toBeGreaterThanOrEqual(t0 - 1);
      expect(o.start + o.latencyMs).toBeLessThanOrEqual(t1 + 1);
    }
    // Every response and every request error is one outcome; autocannon counts both the same way.
    expect(outcomes.length).toBe(summary.completed + summary.errors);
    expect(summary.errors).toBe(0);
    // Sent but unanswered when the run stopped: at most one per connection.
    expect(summary.sent - outcomes.length).toBeGreaterThanOrEqual(0);
    expect(summary.sent - outcomes.length).toBeLessThanOrEqual(5);
    expect(t1 - t0).toBeLessThan(3500);
  }, 20_000);

  it('classifies a 503 with a SQLSTATE cause as http_5xx/28P01', async () => {
    const proxy = await target((_req, res) => {
      res.writeHead(503, { 'X-Vaultctl-Cause': '28P01' });
      res.end('password authentication failed');
    });
    const { outcomes, summary } = await run(plan(proxy.url, { rate: 20, connections: 2, durationMs: 1000 }));
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o.kind === 'http_5xx' && o.cause === '28P01')).toBe(true);
    expect(outcomes.length).toBe(summary.completed + summary.errors);
  }, 20_000);

  it('classifies a 200 whose body fails bodyIncludes as body_error', async () => {
    const proxy = await target((_req, res) => res.end('{"status":"degraded"}'));
    const { outcomes } = await run(plan(proxy.url, {
      rate: 20, connections: 2, durationMs: 1000,
      success: { statusMin: 200, statusMax: 299, bodyIncludes: '"ok"' },
    }));
    expect(outcomes.length).toBeGreaterThan(0);
    expect(kinds(outcomes)).toEqual({ body_error: outcomes.length });
  }, 20_000);

  it('sees conn_refused (no_endpoints) only while the backend is removed', async () => {
    const { port } = await listen((_req, res) => res.end('ok'));
    const proxy = await startProxy({ port: 0, upstreamTimeoutMs: 2000 });
    proxies.push(proxy);
    proxy.add('r1', port);
    let gap = { from: Infinity, to: Infinity };
    // The gap spans the 1 s mark, where the per-second rate budget sends the next burst.
    at(700, () => { proxy.remove('r1'); gap = { ...gap, from: performance.now() }; });
    at(1400, () => { gap = { ...gap, to: performance.now() }; proxy.add('r1', port); });
    const { outcomes } = await run(plan(proxy.url, { rate: 100, durationMs: 2500 }));

    const refused = outcomes.filter((o) => o.kind === 'conn_refused');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((o) => o.cause === 'no_endpoints')).toBe(true);
    for (const o of refused) {
      expect(o.start).toBeGreaterThanOrEqual(gap.from - 5);
      expect(o.start).toBeLessThanOrEqual(gap.to + 5);
    }
    expect(outcomes.some((o) => o.kind === 'ok' && o.start < gap.from)).toBe(true);
    expect(outcomes.some((o) => o.kind === 'ok' && o.start > gap.to)).toBe(true);
    expect(outcomes.every((o) => o.kind === 'ok' || o.kind === 'conn_refused')).toBe(true);
  }, 20_000);

  it('reports connection errors to a port nobody listens on, and fresh latencies once it is back', async () => {
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
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((o) => o.kind === 'conn_refused' || o.kind === 'conn_reset')).toBe(true);
    for (const o of failed) expect(o.start).toBeGreaterThanOrEqual(gap.from - 5);
    // Only requests count: the reconnect loop of a client with its rate budget spent is not reported.
    expect(failed.length).toBeLessThanOrEqual(2 * 50);
    const okAfter = outcomes.filter((o) => o.kind === 'ok' && o.start > gap.to);
    expect(okAfter.length).toBeGreaterThan(0);
    // A response after the gap is not paired with a request queued before it failed.
    expect(Math.max(...okAfter.map((o) => o.latencyMs))).toBeLessThan(250);
    expect(outcomes.length).toBe(summary.completed + summary.errors);
  }, 20_000);

  it('reports autocannon timeouts with the timeout as latency', async () => {
    const { port } = await listen(() => { /* never answers */ });
    const { outcomes, summary, t0 } = await run(plan(`http://127.0.0.1:${port}`, {
      rate: 10, connections: 2, durationMs: 2500, timeoutMs: 1000,
    }));
    expect(outcomes.length).toBeGreaterThanOrEqual(2);
    expect(kinds(outcomes)).toEqual({ timeout: outcomes.length });
    for (const o of outcomes) {
      expect(o.latencyMs).toBe(1000);
      expect(o.start).toBeGreaterThanOrEqual(t0 - 5);
    }
    expect(summary.timeouts).toBe(outcomes.length);
    expect(outcomes.length).toBe(summary.completed + summary.errors);
  }, 20_000);

  it('stops early when the signal aborts', async () => {
    const proxy = await target((_req, res) => res.end('ok'));
    const ac = new AbortController();
    at(500, () => ac.abort());
    const { outcomes, t0, t1 } = await run(plan(proxy.url, { rate: 50, durationMs: 10_000 }), ac.signal);
    expect(t1 - t0).toBeLessThan(2000);
    expect(outcomes.length).toBeGreaterThan(0);
  }, 20_000);

  it('rejects a target that is not on this machine with a UsageError', async () => {
    const sink = { record: () => {} };
    const now = (): number => performance.now();
    await expect(autocannonLoad.run(plan('http://10.1.2.3:8080'), sink, { now })).rejects.toBeInstanceOf(UsageError);
    await expect(autocannonLoad.run(plan('http://example.com'), sink, { now })).rejects.toBeInstanceOf(UsageError);
  });
});
