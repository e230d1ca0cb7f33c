/**
 * The vaultctl demo workload: an HTTP server that runs one Postgres query per request.
 * Standalone on purpose (node built-ins and `pg` only): it is bundled into a Kubernetes ConfigMap.
 *
 * Env: PORT (required), HOST (127.0.0.1), PGHOST, PGPORT, PGDATABASE, PGUSER + PGPASSWORD or
 * CREDENTIALS_FILE (JSON {"username","password"}), DEMO_TABLE (vaultctl_demo: the table each request
 * reads, `name` or `schema.name`), QUERY_SLEEP_MS (0), POOL_MAX (10), POOL_MAX_LIFETIME_S
 * (0 = unlimited), POOL_IDLE_TIMEOUT_MS (10000), GRACEFUL_DRAIN (1), DRAIN_TIMEOUT_MS (25000),
 * DRAIN_IDLE_CLOSE_MS (1000).
 * Routes: GET /healthz → 200; GET /ready → 200 once `SELECT 1` worked and not draining, else 503;
 * anything else → one query that reads a row of DEMO_TABLE (plus QUERY_SLEEP_MS of `pg_sleep`) →
 * 200 {"ok":true}, or 503 with `x-vaultctl-cause: <SQLSTATE|errno|db_error>` (42501 once the role's
 * grant is revoked, 28P01 for a login with expired or dropped credentials, 57P01 terminated).
 * SIGTERM: graceful drain (GRACEFUL_DRAIN=1: stop accepting, answer every request from then on with
 * `Connection: close`, close kept-alive connections still idle after DRAIN_IDLE_CLOSE_MS, exit 0 when
 * every connection has ended or after DRAIN_TIMEOUT_MS) or the default immediate death.
 * CREDENTIALS_FILE may also hold a whole Vault response ({"data":{"username","password"},…}: what the
 * Vault CSI provider writes for an object without `secretKey`).
 * SIGHUP: reload CREDENTIALS_FILE. CREDENTIALS_POLL_MS (0 = off): also re-read it every so many ms and
 * reload when the credentials in it changed (a CSI volume is updated in place and signals nobody).
 * Vault mode (strategy `direct`, ./vault-lease.ts): VAULT_ADDR + VAULT_TOKEN + VAULT_CREDS_PATH
 * (e.g. database/creds/app) replace PGUSER/PGPASSWORD/CREDENTIALS_FILE: the app reads its own
 * credentials, renews the lease, swaps its pool before max TTL, and revokes the old lease after
 * VAULT_REVOKE_AFTER_MS (5000) unless VAULT_REVOKE_OLD_LEASE=0. SIGHUP is ignored in this mode.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { startVaultLease } from './vault-lease.js';

const env = process.env;

function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ ts: new Date().toISOString(), event, pid: process.pid, ...fields })}\n`);
}

function intEnv(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    log('config_error', { message: `${name} must be a non-negative number` });
    process.exit(2);
  }
  return n;
}

const port = intEnv('PORT', -1);
if (port < 0) {
  log('config_error', { message: 'PORT is required' });
  process.exit(2);
}
const host = env.HOST || '127.0.0.1';
const querySleepMs = intEnv('QUERY_SLEEP_MS', 0);
const gracefulDrain = env.GRACEFUL_DRAIN !== '0';
const drainTimeoutMs = intEnv('DRAIN_TIMEOUT_MS', 25000);
const idleCloseDelayMs = intEnv('DRAIN_IDLE_CLOSE_MS', 1000);
const credentialsFile = env.CREDENTIALS_FILE || undefined;
const vaultMode = Boolean(env.VAULT_ADDR && env.VAULT_TOKEN && env.VAULT_CREDS_PATH);
const demoTable = env.DEMO_TABLE || 'vaultctl_demo';
// Spliced into SQL unquoted, so it must be a plain identifier; unquoted, it folds to lower case as the user's DDL did.
if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(demoTable)) {
  log('config_error', { message: 'DEMO_TABLE must be a table name such as vaultctl_demo or app.items' });
  process.exit(2);
}
// One statement: Postgres checks the table privilege before it runs anything, so a revoked grant
// fails the request at once (42501) instead of after the sleep. A real app's query needs the grant;
// `SELECT 1` needs none and keeps working on a revoked role's open session.
const requestSql = `SELECT (SELECT row_to_json(r) FROM ${demoTable} AS r LIMIT 1) AS demo_row${querySleepMs > 0 ? ', pg_sleep($1)' : ''}`;
const requestParams = querySleepMs > 0 ? [querySleepMs / 1000] : [];

interface Creds { username: string; password: string }

function readCredentials(): Creds {
  if (!credentialsFile) return { username: env.PGUSER ?? '', password: env.PGPASSWORD ?? '' };
  const raw = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Partial<Creds> & { data?: Partial<Creds> };
  const parsed = typeof raw.username === 'string' ? raw : (raw.data ?? {});
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
    throw new Error(`${credentialsFile} needs string fields "username" and "password"`);
  }
  return { username: parsed.username, password: parsed.password };
}

function createPool(creds: Creds): pg.Pool {
  const lifetime = intEnv('POOL_MAX_LIFETIME_S', 0);
  const p = new pg.Pool({
    host: env.PGHOST || '127.0.0.1',
    port: intEnv('PGPORT', 5432),
    database: env.PGDATABASE || 'postgres',
    user: creds.username,
    password: creds.password,
    max: intEnv('POOL_MAX', 10),
    idleTimeoutMillis: intEnv('POOL_IDLE_TIMEOUT_MS', 10000),
    connectionTimeoutMillis: 5000,
    ...(lifetime > 0 ? { maxLifetimeSeconds: lifetime } : {}),
  });
  // Idle clients terminated by the server (57P01) emit 'error'; unhandled, that would crash the app.
  p.on('error', () => {});
  return p;
}

let creds: Creds;
try {
  creds = vaultMode ? { username: '', password: '' } : readCredentials();
} catch (err) {
  log('config_error', { message: (err as Error).message });
  process.exit(2);
}
// Vault mode: no pool until the first credentials are read (requests answer 503 no_credentials).
let pool: pg.Pool | undefined = vaultMode ? undefined : createPool(creds);
let ready = false;
let draining = false;
/** Set once draining has closed the idle keep-alive connections; later idle ones close at once. */
let idleClosing = false;
let inFlight = 0;

/**
 * One request's query on a pooled connection. `pool.query()` would discard the connection on any
 * error, so a revoked grant would show once per connection and then as a login failure. Real pools
 * (HikariCP, Go's database/sql) keep a connection that answered with an SQL error and evict only a
 * broken one, so a revoked role's open sessions keep answering 42501 until the app restarts.
 */
function runRequestQuery(): Promise<void> {
  return new Promise((resolve, reject) => {
    // A callback, not `await pool.connect()`: a session ended right after its login (57P01 in the same
    // read as the login's last message) emits 'error' on the client before an await would resume,
    // and unhandled while checked out that would crash the app. The listener must be on at once.
    if (!pool) return reject(Object.assign(new Error('no credentials yet'), { code: 'no_credentials' }));
    pool.connect((connectErr, client) => {
      if (connectErr || !client) return reject(connectErr);
      let broken: Error | undefined;
      const onError = (err: Error) => { broken ??= err; };
      client.on('error', onError);
      const done = (err?: unknown) => {
        if (err !== undefined && brokenConnection(err)) broken ??= err as Error;
        client.off('error', onError);
        client.release(broken);
        if (err === undefined) resolve();
        else reject(err);
      };
      client.query(requestSql, requestParams).then(() => done(), done);
    });
  });
}

/** A session the server ended (FATAL, e.g. 57P01), a connection exception (class 08), or a socket error. */
function brokenConnection(err: unknown): boolean {
  const { code, severity } = (err ?? {}) as { code?: unknown; severity?: unknown };
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || severity === 'FATAL' || severity === 'PANIC';
}

function causeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : 'db_error';
}

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  // Once draining, every response tells the client to stop reusing this connection.
  if (draining) headers.connection = 'close';
  res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain', ...headers });
  res.end(body);
}

const server = http.createServer((req, res) => {
  inFlight++;
  res.once('close', () => {
    inFlight--;
    // A response written just before the drain began said keep-alive: close its connection once idle.
    if (idleClosing) setImmediate(() => server.closeIdleConnections());
  });
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') return send(res, 200, 'ok');
  if (path === '/ready') return ready && !draining ? send(res, 200, 'ready') : send(res, 503, 'not ready');
  runRequestQuery().then(
    () => send(res, 200, '{"ok":true}'),
    (err: unknown) => {
      const cause = causeOf(err);
      send(res, 503, JSON.stringify({ ok: false, cause }), { 'x-vaultctl-cause': cause });
    },
  );
});

server.on('error', (err) => {
  log('error', { message: err.message, code: (err as NodeJS.ErrnoException).code });
  process.exit(1);
});

server.listen(port, host, () => {
  log('listening', { host, port: (server.address() as { port: number }).port });
  void waitUntilReady();
});

async function waitUntilReady(): Promise<void> {
  while (!draining) {
    try {
      if (!pool) throw new Error('no credentials yet');
      await pool.query('SELECT 1');
      ready = true;
      log('ready');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  log('draining', { inFlight });
  // Stop accepting. http.Server.close() would also close every idle keep-alive connection at once
  // (Node >= 19), racing with a request its client may be sending on it right then (a reset).
  // Instead each kept connection in use carries one more request, answered with `Connection: close`
  // (send()), so its client closes it knowing nothing is in flight and reconnects elsewhere; the
  // ones still idle after DRAIN_IDLE_CLOSE_MS are closed then. The callback fires once every
  // connection has ended: only then can our exit reset no request.
  const closed = new Promise<boolean>((r) => net.Server.prototype.close.call(server, () => r(false)));
  const closeIdle = () => { idleClosing = true; server.closeIdleConnections(); };
  if (idleCloseDelayMs > 0) setTimeout(closeIdle, idleCloseDelayMs).unref();
  else closeIdle();
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(true), drainTimeoutMs).unref());
  if (await Promise.race([closed, timeout])) {
    log('drain_timeout', { inFlight });
    server.closeAllConnections();
  }
  await vaultLease?.stop();
  await pool?.end().catch(() => undefined);
  log('exit', { code: 0 });
  process.exit(0);
}

// A naive app has no SIGTERM handler: the process dies at once and in-flight requests are reset.
if (gracefulDrain) process.on('SIGTERM', () => void drain());

function reloadCredentials(onlyIfChanged: boolean): void {
  // Vault mode: the app's own lease decides; a file vaultctl may still render is not its credentials.
  if (!credentialsFile || vaultMode || draining) return;
  let next: Creds;
  try {
    next = readCredentials();
  } catch (err) {
    log('reload_failed', { message: (err as Error).message });
    return;
  }
  if (onlyIfChanged && next.username === creds.username && next.password === creds.password) return;
  swapPool(next);
  log('reloaded', { username: creds.username });
}

process.on('SIGHUP', () => reloadCredentials(false));
const credentialsPollMs = intEnv('CREDENTIALS_POLL_MS', 0);
if (credentialsPollMs > 0) setInterval(() => reloadCredentials(true), credentialsPollMs).unref();

/** New credentials: new queries go to a new pool; queries already running on the old one finish, its clients close as released. */
function swapPool(next: Creds): void {
  const old = pool;
  creds = next;
  pool = createPool(creds);
  old?.end().catch(() => undefined);
}

const vaultLease = vaultMode
  ? startVaultLease({
    addr: env.VAULT_ADDR ?? '', token: env.VAULT_TOKEN ?? '', credsPath: env.VAULT_CREDS_PATH ?? '',
    revokeOldLease: env.VAULT_REVOKE_OLD_LEASE !== '0', revokeAfterMs: intEnv('VAULT_REVOKE_AFTER_MS', 5000),
    log,
    use: (c) => {
      const replacing = pool !== undefined;
      swapPool(c);
      if (replacing) log('vault_pool_swapped', { leaseId: c.leaseId });
    },
  })
  : undefined;
