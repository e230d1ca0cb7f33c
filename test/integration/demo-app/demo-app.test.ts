import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialIssuer } from '../../../src/ports/credentials.js';
import { systemClock } from '../../../src/runtime/runtime.js';
import {
  DEFAULT_CREATION_STATEMENTS, DEFAULT_DATABASE_SETUP, DEFAULT_RENEW_STATEMENTS, DEFAULT_REVOCATION_STATEMENTS,
} from '../../../src/scenario/schema.js';
import { ensureDatabase } from '../../../src/targets/local/database-setup.js';
import { createDirectIssuer } from '../../../src/targets/local/issuers/direct-issuer.js';
import { startTestPg, waitFor, type TestPg } from '../postgres/helpers.js';
import { demoApps, get, type Reply } from './helpers.js';

describe('demo app (real process, real Postgres)', () => {
  let pg: TestPg;
  let issuer: CredentialIssuer;
  let tmp: string;
  const apps = demoApps(() => pg);
  const startApp = apps.start;

  beforeAll(async () => {
    pg = await startTestPg();
    await ensureDatabase(await pg.admin(), 'app');
    const admin = await pg.admin('app');
    for (const sql of DEFAULT_DATABASE_SETUP) await admin.query(sql);
    // The scenario defaults: the grant covers the demo table; revocation ends the role's sessions first.
    issuer = createDirectIssuer({
      admin, database: 'app', clock: systemClock, secrets: pg.secrets,
      role: {
        name: 'app', defaultTtlMs: 600_000, maxTtlMs: 600_000, creationStatements: DEFAULT_CREATION_STATEMENTS,
        revocationStatements: DEFAULT_REVOCATION_STATEMENTS, renewStatements: DEFAULT_RENEW_STATEMENTS,
      },
    });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'vaultctl-demo-app-'));
  }, 60_000);
  afterEach(() => apps.stopAll());
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

  it('default revocation under load (sessions ended mid-query and just after login, role dropped): 503s with the SQLSTATE, no crash', async () => {
    const creds = await issuer.issue();
    const app = await startApp(creds, { QUERY_SLEEP_MS: '5', POOL_MAX: '10' });
    const causes: Record<string, number> = {};
    let stop = false;
    // Twenty clients back to back: the pool is busy and reconnects while the revocation runs.
    const client = async () => {
      while (!stop) {
        const r: Reply = await get(app.port).catch((e: NodeJS.ErrnoException) => ({ status: 0, headers: {}, body: e.code ?? String(e) }));
        const key = r.status === 200 ? '200' : `${r.status}:${r.headers['x-vaultctl-cause'] ?? r.body}`;
        causes[key] = (causes[key] ?? 0) + 1;
      }
    };
    const clients = Array.from({ length: 20 }, client);
    await waitFor(() => (causes['200'] ?? 0) >= 50, 10_000, '50 answers before the revocation');
    await issuer.revoke(creds.leaseId);
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await Promise.all(clients);
    // 57P01 for sessions ended mid-query; then logins of the dropped role fail (28P01, or 28000 when
    // the role vanished during the login itself). A session that logged in again after the sessions
    // were ended and before the role was dropped finds its privileges revoked: 42501 (the revocation
    // ends sessions first, then revokes, then drops). No connection error: the app never died.
    expect(Object.keys(causes).filter((k) => !['200', '503:57P01', '503:28P01', '503:28000', '503:42501'].includes(k))).toEqual([]);
    const last = await get(app.port);
    expect(last).toMatchObject({ status: 503, headers: { 'x-vaultctl-cause': '28P01' } });
    expect(JSON.parse(last.body)).toEqual({ ok: false, cause: '28P01' });
    expect((await get(app.port, '/healthz')).status).toBe(200);
    expect(app.proc.exitCode).toBe(null);
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

  it('with CREDENTIALS_POLL_MS reloads a Vault-response file (the CSI provider\'s whole-secret object) when its credentials change, unsignalled', async () => {
    const file = path.join(tmp, 'csi-creds.json');
    const vaultResponse = (c: { username: string; password: string }, requestId: string) =>
      JSON.stringify({ request_id: requestId, lease_id: `database/creds/app/${requestId}`, lease_duration: 600, renewable: true, data: { username: c.username, password: c.password } });
    const first = await issuer.issue();
    await writeFile(file, vaultResponse(first, 'r1'));
    const app = await startApp(undefined, { CREDENTIALS_FILE: file, CREDENTIALS_POLL_MS: '100', POOL_IDLE_TIMEOUT_MS: '500' });
    expect((await get(app.port)).status).toBe(200);
    // Same credentials in a new response (another request id): nothing to reload.
    await writeFile(file, vaultResponse(first, 'r2'));
    await new Promise((r) => setTimeout(r, 500));
    expect(app.events().filter((e) => e.event === 'reloaded')).toEqual([]);

    const second = await issuer.issue();
    await writeFile(file, vaultResponse(second, 'r3'));
    await issuer.revoke(first.leaseId);
    await waitFor(() => app.events().some((e) => e.event === 'reloaded'), 10_000, 'the reload');
    expect(await get(app.port)).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(app.events().filter((e) => e.event === 'reloaded')).toEqual([expect.objectContaining({ username: second.username })]);
    expect(app.output()).not.toContain(second.password);
  }, 60_000);
});
