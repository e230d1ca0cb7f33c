import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExternalError } from '../../../src/errors/errors.js';
import { startTcpProxy, type TcpServiceProxy } from '../../../src/targets/local/tcp-proxy.js';

// The kube-proxy-like Service over real sockets: what a client sees is what the kernel delivers.
const servers: net.Server[] = [];
const proxies: TcpServiceProxy[] = [];
const agents: http.Agent[] = [];
const accepted = new Set<net.Socket>();

afterEach(async () => {
  agents.splice(0).forEach((a) => a.destroy());
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  accepted.forEach((s) => s.destroy());
  accepted.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A real HTTP endpoint answering its id, counting the connections it accepted. */
async function endpoint(id: string): Promise<{ port: number; accepted: () => number; server: http.Server }> {
  let accepted = 0;
  const server = http.createServer((_req, res) => res.end(id));
  server.on('connection', () => accepted++);
  return { port: await listen(server), accepted: () => accepted, server };
}

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s: net.Socket) => {
    accepted.add(s);
    s.once('close', () => accepted.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function proxy(port = 0): Promise<TcpServiceProxy> {
  const p = await startTcpProxy({ port });
  proxies.push(p);
  return p;
}

function keepAlive(): http.Agent {
  const a = new http.Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(a);
  return a;
}

/** Body of one GET; `agent: false` opens a new connection for it. */
function get(url: string, agent: http.Agent | false): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** What a client socket went through until it closed. */
function ending(s: net.Socket): Promise<{ data: string; ended: boolean; error?: string }> {
  let data = '';
  let ended = false;
  let error: string | undefined;
  s.setEncoding('utf8');
  s.on('data', (c: string) => (data += c));
  s.on('end', () => (ended = true));
  s.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
  return new Promise((resolve) => s.once('close', () => resolve({ data, ended, error })));
}

/** `p`, or a failure naming `what` after `ms`: a socket that never closes fails the test at once. */
function within<T>(p: Promise<T>, what: string, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 2000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('kube-proxy-like service proxy', () => {
  it('pins each connection to one endpoint picked at random; every endpoint gets connections', async () => {
    const p = await proxy();
    const eps = { a: await endpoint('a'), b: await endpoint('b'), c: await endpoint('c') };
    for (const [id, e] of Object.entries(eps)) p.add(id, e.port);
    const picks: string[] = [];
    for (let i = 0; i < 45; i++) {
      const a = keepAlive();
      const answers = [await get(p.url, a), await get(p.url, a), await get(p.url, a)];
      // Three requests on one kept-alive connection: one endpoint (an L7 proxy would rotate them).
      expect(new Set(answers).size).toBe(1);
      picks.push(answers[0]!);
      a.destroy();
    }
    expect(new Set(picks)).toEqual(new Set(['a', 'b', 'c']));
    // One upstream connection per client connection, whatever the number of requests on it.
    expect(eps.a.accepted() + eps.b.accepted() + eps.c.accepted()).toBe(45);
    for (const id of ['a', 'b', 'c'] as const) expect(eps[id].accepted()).toBe(picks.filter((x) => x === id).length);
    // Random, not round-robin: 45 picks that rotate a, b, c in a fixed order would be a 1 in 10^21 draw.
    const rotating = picks.every((x, i) => i < 3 || x === picks[i - 3]);
    expect(rotating).toBe(false);
  });

  it('keeps a kept-alive connection on its endpoint after that endpoint is removed; new connections go elsewhere', async () => {
    const p = await proxy();
    const a = await endpoint('a');
    const b = await endpoint('b');
    p.add('a', a.port);
    const pinned = keepAlive();
    expect(await get(p.url, pinned)).toBe('a');
    p.add('b', b.port);
    p.remove('a');
    expect(p.backends()).toEqual(['b']);
    for (let i = 0; i < 5; i++) expect(await get(p.url, pinned)).toBe('a');
    expect(a.accepted()).toBe(1);
    for (let i = 0; i < 10; i++) expect(await get(p.url, false)).toBe('b');
    expect(b.accepted()).toBe(10);
  });

  it('with no endpoint refuses new connections, keeps open ones, and accepts again on the same port after add', async () => {
    const p = await proxy();
    // Started empty: refused from the start, as a Service whose pods are not ready yet.
    await expect(connect(p.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const a = await endpoint('a');
    p.add('a', a.port);
    await until(() => p.accepting(), 'the proxy to accept');
    const pinned = keepAlive();
    expect(await get(p.url, pinned)).toBe('a');

    p.remove('a');
    expect(p.accepting()).toBe(false);
    await expect(connect(p.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(get(p.url, false)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await get(p.url, pinned)).toBe('a');

    const b = await endpoint('b');
    p.add('b', b.port);
    await until(() => p.accepting(), 'the proxy to accept again');
    expect(await get(p.url, false)).toBe('b');
    expect(p.url).toBe(`http://127.0.0.1:${p.port}`);
  });

  it('keeps trying to listen again when its port was taken while it had no endpoint', async () => {
    const lines: string[] = [];
    const p = await startTcpProxy({ relistenRetryMs: 20, log: (l) => lines.push(l) });
    proxies.push(p);
    const squatter = net.createServer((s) => s.end('squatter'));
    await new Promise<void>((resolve) => squatter.listen(p.port, '127.0.0.1', resolve));
    const a = await endpoint('a');
    p.add('a', a.port);
    await until(() => lines.some((l) => l.includes('retrying')), 'a failed attempt');
    expect(p.accepting()).toBe(false);
    await new Promise((r) => squatter.close(r));
    await until(() => p.accepting(), 'the proxy to get its port back');
    expect(await get(p.url, false)).toBe('a');
  });

  it('passes an upstream close to the client, and a client half-close to the upstream, which may still answer', async () => {
    const p = await proxy();
    const closing = net.createServer((s) => s.once('data', () => s.end('bye')));
    const echoAtEnd = net.createServer({ allowHalfOpen: true }, (s) => {
      let got = '';
      s.on('data', (c) => (got += c.toString()));
      s.on('end', () => s.end(`got:${got}`));
    });
    p.add('closing', await listen(closing));
    const c1 = await connect(p.port);
    const first = ending(c1);
    c1.write('hello');
    expect(await first).toEqual({ data: 'bye', ended: true, error: undefined });

    p.remove('closing');
    p.add('echo', await listen(echoAtEnd));
    await until(() => p.accepting(), 'the proxy to accept');
    const c2 = net.connect({ host: '127.0.0.1', port: p.port, allowHalfOpen: true });
    const second = ending(c2);
    c2.end('abc');
    expect(await second).toEqual({ data: 'got:abc', ended: true, error: undefined });
  });

  it('holds the endpoint back while the client does not read, and delivers every byte once it does', async () => {
    const p = await proxy();
    const big = Buffer.alloc(32 * 2 ** 20);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
    let sender: net.Socket | undefined;
    p.add('big', await listen(net.createServer((s) => {
      sender = s;
      s.end(big);
    })));
    const c = await connect(p.port);
    c.pause();
    await until(() => sender !== undefined, 'the upstream connection');
    await new Promise((r) => setTimeout(r, 300));
    // The proxy stopped reading: most of the payload still waits in the endpoint's own socket.
    expect(sender!.writableLength).toBeGreaterThan(big.length / 2);
    const chunks: Buffer[] = [];
    c.on('data', (chunk: Buffer) => chunks.push(chunk));
    c.resume();
    await within(new Promise((r) => c.once('end', r)), 'the whole payload', 10_000);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });

  it('resets the client when the endpoint refuses the connection or resets it, and the upstream when the client resets', async () => {
    const p = await proxy();
    const dead = net.createServer();
    const deadPort = await listen(dead);
    await new Promise((r) => dead.close(r));
    p.add('dead', deadPort);
    const c1 = await connect(p.port);
    const refused = ending(c1);
    c1.write('GET / HTTP/1.1\r\n\r\n');
    expect(await refused).toMatchObject({ data: '', error: 'ECONNRESET' });

    let held: (s: net.Socket) => void = () => {};
    const heldSocket = new Promise<net.Socket>((r) => (held = r));
    const resetting = net.createServer((s) => s.once('data', (c) => {
      if (c.toString() === 'reset me') s.resetAndDestroy();
      else held(s);
    }));
    p.remove('dead');
    p.add('resetting', await listen(resetting));
    await until(() => p.accepting(), 'the proxy to accept');
    const c2 = await connect(p.port);
    const reset = ending(c2);
    c2.write('reset me');
    expect(await reset).toMatchObject({ error: 'ECONNRESET' });

    const c3 = await connect(p.port);
    c3.write('hold');
    const upstreamSide = ending(await heldSocket);
    c3.resetAndDestroy();
    expect((await upstreamSide).error).toBe('ECONNRESET');
  });

  it('close() destroys every socket: clients see the close, endpoints keep no connection, the port refuses', async () => {
    const p = await proxy();
    let upstreamConnections = 0;
    const holder = net.createServer((s) => {
      upstreamConnections++;
      s.on('error', () => {});
      s.on('close', () => upstreamConnections--);
    });
    p.add('hold', await listen(holder));
    const clients = await Promise.all([1, 2, 3].map(() => connect(p.port)));
    const ends = clients.map((c) => ending(c));
    await until(() => upstreamConnections === 3, 'three upstream connections');
    expect(p.connections()).toBe(3);

    await within(p.close(), 'close()');
    for (const e of await within(Promise.all(ends), 'the clients to see the close')) expect(e.data).toBe('');
    expect(p.connections()).toBe(0);
    await until(() => upstreamConnections === 0, 'the upstream connections to close');
    const left = await new Promise<number>((resolve) => holder.getConnections((_e, n) => resolve(n)));
    expect(left).toBe(0);
    await expect(connect(p.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects a port in use with an ExternalError naming the port and workload.servicePort', async () => {
    const taken = await listen(net.createServer());
    const err = await startTcpProxy({ port: taken }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).message).toContain(String(taken));
    expect((err as ExternalError).hint).toContain('workload.servicePort');
  });
});
