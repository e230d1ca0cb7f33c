import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialIssuer, Credentials } from '../../../src/ports/credentials.js';
import { systemClock } from '../../../src/runtime/runtime.js';
import { ensureDatabase } from '../../../src/targets/local/database-setup.js';
import { createDirectIssuer } from '../../../src/targets/local/issuers/direct-issuer.js';
import { startTestPg, waitFor, type TestPg } from '../postgres/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const APP = path.join(ROOT, 'src/demo-app/server.ts');

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One request on a fresh connection. */
function get(port: number, urlPath = '/'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface App { proc: ChildProcess; port: number; events: () => Record<string, unknown>[]; output: () => string; exit: Promise<{ code: number | null; signal: string | null }> }

describe('demo app (real process, real Postgres)', () => {
  let pg: TestPg;
  let issuer: CredentialIssuer;
  let tmp: string;
  const apps: App[] = [];

  async function startApp(creds: Credentials | undefined, env: Record<string, string> = {}): Promise<App> {
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', APP], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH, PORT: String(port), PGHOST: pg.endpoint.host, PGPORT: String(pg.endpoint.port),
        PGDATABASE: 'app', ...(creds ? { PGUSER: creds.username, PGPASSWORD: creds.password } : {}), ...env,
      },
    });
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
    const exit = new Promise<{ code: number | null; signal: string | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    const events = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const app: App = { proc, port, events, output: () => out, exit };
    apps.push(app);
    await waitFor(() => events().some((e) => e.event === 'ready') || proc.exitCode !== null, 30_000, `the app to be ready: ${out}`);
    expect((await get(port, '/ready')).status).toBe(200);
    return app;
  }

  beforeAll(async () => {
    pg = await startTestPg();
    await ensureDatabase(await pg.admin(), 'app');
    issuer = createDirectIssuer({
      admin: await pg.admin('app'), database: 'app', clock: systemClock, secrets: pg.secrets,
      role: {
        name: 'app', defaultTtlMs: 600_000, maxTtlMs: 600_000,
        creationStatements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`],
        revocationStatements: [
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`,
          `DROP ROLE IF EXISTS "{{name}}";`,
        ],
        renewStatements: [],
      },
    });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'vaultctl-demo-app-'));
  }, 60_000);
  afterEach(async () => {
    for (const a of apps.splice(0)) {
      if (a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill('SIGKILL');
      await a.exit;
    }
  });
  afterAll(async () => {
    await issuer?.close();
    await pg?.cleanup();
    await rm(tmp, { recursive: true, force: true });
  }, 60_000);

  it('is healthy and ready, answers with one query per request, and never logs the password', async () => {
    const creds = await issuer.issue();
    const app = await startApp(creds);
    expect(await get(app.port, '/healthz')).toMatchObject({ status: 200 });
    expect(await get(app.port, '/ready')).toMatchObject({ status: 200, body: 'ready' });
    for (let i = 0; i < 5; i++) expect(await get(app.port, `/any/path?i=${i}`)).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(app.events().map((e) => e.event)).toEqual(['listening', 'ready']);
    expect(app.output()).not.toContain(creds.password);
  }, 60_000);

  it('answers 503 with the SQLSTATE in x-vaultctl-cause once its role is revoked', async () => {
    const creds = await issuer.issue();
    const app = await startApp(creds);
    expect((await get(app.port)).status).toBe(200);
    await issuer.revoke(creds.leaseId);
    const replies = [await get(app.port), await get(app.port)];
    for (const r of replies) {
      expect(r.status).toBe(503);
      expect(['57P01', '28P01']).toContain(r.headers['x-vaultctl-cause']);
      expect(JSON.parse(r.body)).toEqual({ ok: false, cause: r.headers['x-vaultctl-cause'] });
    }
    // Still alive: 57P01 on idle pooled clients did not crash it.
    expect((await get(app.port, '/healthz')).status).toBe(200);
  }, 60_000);

  it('drains on SIGTERM: finishes the in-flight request with Connection: close, then exits 0', async () => {
    const app = await startApp(await issuer.issue(), { QUERY_SLEEP_MS: '1500' });
    const slow = get(app.port);
    await new Promise((r) => setTimeout(r, 400));
    app.proc.kill('SIGTERM');
    await waitFor(() => app.events().some((e) => e.event === 'draining'), 5000, 'draining');
    // No longer accepting: a new connection is refused while the old request finishes.
    expect(await get(app.port).then(() => 'accepted', (e: NodeJS.ErrnoException) => e.code)).toBe('ECONNREFUSED');
    const reply = await slow;
    expect(reply).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(reply.headers.connection).toBe('close');
    expect(await app.exit).toEqual({ code: 0, signal: null });
    expect(app.events().map((e) => e.event)).toEqual(['listening', 'ready', 'draining', 'exit']);
  }, 60_000);

  it('with GRACEFUL_DRAIN=0 dies at once on SIGTERM and resets the in-flight request', async () => {
    const app = await startApp(await issuer.issue(), { QUERY_SLEEP_MS: '3000', GRACEFUL_DRAIN: '0' });
    const slow = get(app.port).then(() => undefined, (e: NodeJS.ErrnoException) => e);
    await new Promise((r) => setTimeout(r, 400));
    const t0 = Date.now();
    app.proc.kill('SIGTERM');
    const err = await slow;
    expect(err?.code).toBe('ECONNRESET');
    expect(await app.exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - t0).toBeLessThan(2000);
  }, 60_000);

  it('on SIGHUP re-reads CREDENTIALS_FILE and recovers after the old role was revoked', async () => {
    const file = path.join(tmp, 'creds.json');
    const first = await issuer.issue();
    await writeFile(file, JSON.stringify({ username: first.username, password: first.password }));
    const app = await startApp(undefined, { CREDENTIALS_FILE: file, POOL_IDLE_TIMEOUT_MS: '500' });
    expect((await get(app.port)).status).toBe(200);
    await issuer.revoke(first.leaseId);
    expect((await get(app.port)).status).toBe(503);

    const second = await issuer.issue();
    await writeFile(file, JSON.stringify({ username: second.username, password: second.password }));
    app.proc.kill('SIGHUP');
    await waitFor(() => app.events().some((e) => e.event === 'reloaded'), 10_000, 'the reload');
    expect(await get(app.port)).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(app.events().find((e) => e.event === 'reloaded')).toMatchObject({ username: second.username });
    expect(app.output()).not.toContain(second.password);
  }, 60_000);
});
