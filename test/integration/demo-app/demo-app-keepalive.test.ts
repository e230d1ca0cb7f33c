import http from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialIssuer } from '../../../src/ports/credentials.js';
import { systemClock } from '../../../src/runtime/runtime.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import { ensureDatabase } from '../../../src/targets/local/database-setup.js';
import { createDirectIssuer } from '../../../src/targets/local/issuers/direct-issuer.js';
import { startTestPg, waitFor, type TestPg } from '../postgres/helpers.js';
import { demoApps, get, type Reply } from './helpers.js';

const SLEEP_MS = 1500;
/** How long after SIGTERM the app keeps idle kept connections open for one last request each. */
const IDLE_CLOSE_MS = 300;

/**
 * A client with three kept-alive connections to the app, each used once and now idle in the
 * agent's pool; `closedAt` records when the server closed each of them.
 */
async function keptConnections(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
  const sockets: Socket[] = [];
  agent.on('free', (s: Socket) => { if (!sockets.includes(s)) sockets.push(s); });
  const first = await Promise.all([0, 1, 2].map(() => get(port, '/', agent)));
  expect(first.map((r) => [r.status, r.headers.connection])).toEqual(Array(3).fill([200, 'keep-alive']));
  expect(sockets).toHaveLength(3);
  const closedAt = new Map<Socket, number>();
  for (const s of sockets) s.once('close', () => closedAt.set(s, Date.now()));
  return { agent, sockets, closedAt };
}

/** A request through `agent` that reports the socket it went out on and whether it was a reused one. */
function sendOn(agent: http.Agent, port: number) {
  let socket: Socket | undefined;
  let reused = false;
  const reply = new Promise<Reply>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('socket', (s: Socket) => { socket = s; reused = req.reusedSocket; });
    req.on('error', reject);
  });
  return { reply, socket: () => socket, reused: () => reused };
}

describe('demo app drain with keep-alive clients (real process, real Postgres)', () => {
  let pg: TestPg;
  let issuer: CredentialIssuer;
  const apps = demoApps(() => pg);

  beforeAll(async () => {
    pg = await startTestPg();
    const s = parseScenario('apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nload: {duration: 1s}\n', 'inline.yaml');
    await ensureDatabase(await pg.admin(), s.database.name);
    const admin = await pg.admin(s.database.name);
    for (const sql of s.database.setup) await admin.query(sql);
    issuer = createDirectIssuer({ admin, database: s.database.name, clock: systemClock, secrets: pg.secrets, role: s.database.role });
  }, 60_000);
  afterEach(() => apps.stopAll());
  afterAll(async () => {
    await issuer?.close();
    await pg?.cleanup();
  }, 60_000);

  it('on SIGTERM answers the in-flight request with Connection: close, closes idle kept connections, exits 0', async () => {
    const app = await apps.start(await issuer.issue(), { QUERY_SLEEP_MS: String(SLEEP_MS), DRAIN_IDLE_CLOSE_MS: String(IDLE_CLOSE_MS) });
    const { agent, sockets, closedAt } = await keptConnections(app.port);
    const inFlight = sendOn(agent, app.port);
    await waitFor(() => inFlight.socket() !== undefined, 2000, 'the request to get a socket');
    expect(inFlight.reused()).toBe(true);
    const busy = inFlight.socket()!;
    const idle = sockets.filter((s) => s !== busy);
    expect(idle).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 300));

    const termAt = Date.now();
    app.proc.kill('SIGTERM');
    const reply = await inFlight.reply;
    const repliedAt = Date.now();
    expect(reply).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(reply.headers.connection).toBe('close');
    // The idle ones were closed by the server, after the last-request window, while the busy one
    // was still being answered.
    for (const s of idle) {
      expect(closedAt.get(s), 'idle kept connection closed').toBeGreaterThanOrEqual(termAt + IDLE_CLOSE_MS);
      expect(closedAt.get(s)!).toBeLessThan(repliedAt);
    }
    await waitFor(() => closedAt.has(busy), 5000, 'the answered connection to close');
    expect(await app.exit).toEqual({ code: 0, signal: null });
    expect(app.events().map((e) => e.event)).toEqual(['listening', 'ready', 'draining', 'exit']);
    expect(Object.values(agent.freeSockets).flat()).toEqual([]);
    agent.destroy();
  }, 60_000);

  it('a request on an idle kept connection just after SIGTERM is answered with Connection: close, not reset', async () => {
    const app = await apps.start(await issuer.issue(), { DRAIN_IDLE_CLOSE_MS: '5000' });
    const { agent, sockets, closedAt } = await keptConnections(app.port);
    app.proc.kill('SIGTERM');
    await waitFor(() => app.events().some((e) => e.event === 'draining'), 5000, 'draining');
    // New connections are refused at once, but a kept one still carries one request, so a client
    // that was about to send on it is answered instead of reset, and told to reconnect elsewhere.
    expect(await get(app.port).then(() => 'accepted', (e: NodeJS.ErrnoException) => e.code)).toBe('ECONNREFUSED');
    const last = sendOn(agent, app.port);
    const reply = await last.reply;
    expect(last.reused()).toBe(true);
    expect(reply).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(reply.headers.connection).toBe('close');
    await waitFor(() => closedAt.has(last.socket()!), 5000, 'the answered connection to close');
    // The two never used again are closed by the server when the window ends; then the app exits.
    expect(await app.exit).toEqual({ code: 0, signal: null });
    expect(sockets.every((s) => closedAt.has(s))).toBe(true);
    agent.destroy();
  }, 60_000);

  it('with GRACEFUL_DRAIN=0 the in-flight request on a kept connection is reset and every connection dies', async () => {
    const app = await apps.start(await issuer.issue(), { QUERY_SLEEP_MS: String(SLEEP_MS), GRACEFUL_DRAIN: '0' });
    const { agent, sockets, closedAt } = await keptConnections(app.port);
    const inFlight = sendOn(agent, app.port);
    const outcome = inFlight.reply.then(() => 'answered', (e: NodeJS.ErrnoException) => e.code);
    await new Promise((r) => setTimeout(r, 300));
    expect(inFlight.reused()).toBe(true);
    app.proc.kill('SIGTERM');
    expect(await outcome).toBe('ECONNRESET');
    expect(await app.exit).toEqual({ code: null, signal: 'SIGTERM' });
    await waitFor(() => sockets.every((s) => closedAt.has(s)), 5000, 'every kept connection to close');
    agent.destroy();
  }, 60_000);
});
