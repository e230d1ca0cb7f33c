import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExternalError } from '../../../src/errors/errors.js';
import { ExitCode } from '../../../src/errors/exit-codes.js';
import { startProxy, type ServiceProxy } from '../../../src/targets/local/proxy.js';

const servers: http.Server[] = [];
const proxies: ServiceProxy[] = [];

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => closeServer(s)));
});

function closeServer(s: http.Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((resolve) => (s.listening ? s.close(() => resolve()) : resolve()));
}

/** A real upstream on a free port. */
async function upstream(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function proxy(upstreamTimeoutMs = 2000, port = 0): Promise<ServiceProxy> {
  const p = await startProxy({ port, upstreamTimeoutMs });
  proxies.push(p);
  return p;
}

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One request on a keep-alive agent, as the load clients connect. */
function get(url: string, agent: http.Agent, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http.get(`${url}${path}`, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

function agent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

describe('service proxy', () => {
  it('round-robins over the backends and stops routing to a removed one', async () => {
    const p = await proxy();
    for (const id of ['a', 'b', 'c']) {
      const { port } = await upstream((_req, res) => res.end(id));
      p.add(id, port);
    }
    expect(p.backends()).toEqual(['a', 'b', 'c']);
    const a = agent();
    try {
      const seen: string[] = [];
      for (let i = 0; i < 9; i++) seen.push((await get(p.url, a)).body);
      expect(seen.filter((s) => s === 'a')).toHaveLength(3);
      expect(seen.filter((s) => s === 'b')).toHaveLength(3);
      expect(seen.filter((s) => s === 'c')).toHaveLength(3);

      p.remove('b');
      expect(p.backends()).toEqual(['a', 'c']);
      const after: string[] = [];
      for (let i = 0; i < 6; i++) after.push((await get(p.url, a)).body);
      expect(after).not.toContain('b');
      expect(new Set(after)).toEqual(new Set(['a', 'c']));
    } finally {
      a.destroy();
    }
  });

  it('passes status, headers and body through as is', async () => {
    const { port } = await upstream((req, res) => {
      res.writeHead(503, { 'x-vaultctl-cause': '28P01', 'x-echo-path': req.url ?? '' });
      res.end('password authentication failed');
    });
    const p = await proxy();
    p.add('r1', port);
    const a = agent();
    try {
      const r = await get(p.url, a, '/items?id=7');
      expect(r.status).toBe(503);
      expect(r.headers['x-vaultctl-cause']).toBe('28P01');
      expect(r.headers['x-echo-path']).toBe('/items?id=7');
      expect(r.headers['x-vaultctl-proxy-error']).toBeUndefined();
      expect(r.body).toBe('password authentication failed');
    } finally {
      a.destroy();
    }
  });

  it('answers 502 conn_refused for a replica that stopped listening, and keeps serving', async () => {
    const dead = await upstream((_req, res) => res.end('never'));
    await closeServer(dead.server);
    const live = await upstream((_req, res) => res.end('live'));
    const p = await proxy();
    p.add('dead', dead.port);
    p.add('live', live.port);
    const a = agent();
    try {
      const first = await get(p.url, a);
      expect(first.status).toBe(502);
      expect(first.headers['x-vaultctl-proxy-error']).toBe('conn_refused');
      expect(first.headers['x-vaultctl-cause']).toBe('ECONNREFUSED');
      // Same client connection, next endpoint: the proxy survived the upstream failure.
      expect((await get(p.url, a)).body).toBe('live');
    } finally {
      a.destroy();
    }
  });

  it('answers 502 conn_reset when the upstream destroys the socket', async () => {
    const { port } = await upstream((req) => req.socket.destroy());
    const p = await proxy();
    p.add('r1', port);
    const a = agent();
    try {
      const r = await get(p.url, a);
      expect(r.status).toBe(502);
      expect(r.headers['x-vaultctl-proxy-error']).toBe('conn_reset');
      expect(r.headers['x-vaultctl-cause']).toBe('ECONNRESET');
    } finally {
      a.destroy();
    }
  });

  it('answers 504 timeout when the upstream is slower than upstreamTimeoutMs', async () => {
    const { port } = await upstream((_req, res) => { setTimeout(() => res.end('late'), 1500).unref(); });
    const p = await proxy(200);
    p.add('slow', port);
    const a = agent();
    try {
      const t0 = performance.now();
      const r = await get(p.url, a);
      expect(r.status).toBe(504);
      expect(r.headers['x-vaultctl-proxy-error']).toBe('timeout');
      expect(performance.now() - t0).toBeLessThan(1200);
    } finally {
      a.destroy();
    }
  });

  it('answers 503 no_endpoints when there is no backend', async () => {
    const p = await proxy();
    const a = agent();
    try {
      const r = await get(p.url, a);
      expect(r.status).toBe(503);
      expect(r.headers['x-vaultctl-proxy-error']).toBe('no_endpoints');
    } finally {
      a.destroy();
    }
  });

  it('rejects a port in use with an ExternalError naming the port', async () => {
    const taken = await upstream((_req, res) => res.end());
    const err = await startProxy({ port: taken.port, upstreamTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    const e = err as ExternalError;
    expect(e.exitCode).toBe(ExitCode.ExternalFailure);
    expect(e.message).toContain(String(taken.port));
    expect(e.hint).toContain('workload.servicePort');
  });

  it('close() aborts requests in flight to a slow upstream and resolves promptly', async () => {
    let upstreamClosed = false;
    const { port } = await upstream((req) => { req.socket.on('close', () => { upstreamClosed = true; }); });
    const p = await startProxy({ port: 0, upstreamTimeoutMs: 10_000 });
    p.add('hang', port);
    const a = agent();
    try {
      const pending = get(p.url, a).then(() => 'answered', () => 'failed');
      await new Promise((r) => setTimeout(r, 100));
      const t0 = performance.now();
      await p.close();
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(await pending).toBe('failed');
      await new Promise((r) => setTimeout(r, 50));
      expect(upstreamClosed).toBe(true);
    } finally {
      a.destroy();
    }
  });

  it('close() ends the listener and the client connections', async () => {
    const { port } = await upstream((_req, res) => res.end('x'));
    const p = await startProxy({ port: 0, upstreamTimeoutMs: 1000 });
    p.add('r1', port);
    const a = agent();
    try {
      await get(p.url, a);
      const socket = Object.values(a.freeSockets).flat()[0];
      expect(socket).toBeDefined();
      const closed = new Promise<void>((resolve) => socket!.once('close', () => resolve()));
      await p.close();
      await closed;
      // The port is free again: a second proxy can take it.
      const again = await proxy(1000, p.port);
      expect(again.port).toBe(p.port);
    } finally {
      a.destroy();
    }
  });
});
