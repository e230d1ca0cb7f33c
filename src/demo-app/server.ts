/**
 * The vaultctl demo workload: an HTTP server that runs one Postgres query per request.
 * Standalone on purpose (node built-ins and `pg` only): it is bundled into a Kubernetes ConfigMap.
 *
 * Env: PORT (required), HOST (127.0.0.1), PGHOST, PGPORT, PGDATABASE, PGUSER + PGPASSWORD or
 * CREDENTIALS_FILE (JSON {"username","password"}), QUERY_SLEEP_MS (0), POOL_MAX (10),
 * POOL_MAX_LIFETIME_S (0 = unlimited), POOL_IDLE_TIMEOUT_MS (10000), GRACEFUL_DRAIN (1),
 * DRAIN_TIMEOUT_MS (25000).
 * Routes: GET /healthz → 200; GET /ready → 200 once `SELECT 1` worked and not draining, else 503;
 * anything else → one query → 200 {"ok":true}, or 503 with `x-vaultctl-cause: <SQLSTATE|errno|db_error>`.
 * SIGTERM: graceful drain (GRACEFUL_DRAIN=1) or the default immediate death. SIGHUP: reload CREDENTIALS_FILE.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import pg from 'pg';

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
const credentialsFile = env.CREDENTIALS_FILE || undefined;

interface Creds { username: string; password: string }

function readCredentials(): Creds {
  if (!credentialsFile) return { username: env.PGUSER ?? '', password: env.PGPASSWORD ?? '' };
  const parsed = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Partial<Creds>;
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
  creds = readCredentials();
} catch (err) {
  log('config_error', { message: (err as Error).message });
  process.exit(2);
}
let pool = createPool(creds);
let ready = false;
let draining = false;
let inFlight = 0;
/** Resolves the drain wait when the last in-flight request has been answered. */
let drained: (() => void) | undefined;

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
    if (draining && inFlight === 0) drained?.();
  });
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') return send(res, 200, 'ok');
  if (path === '/ready') return ready && !draining ? send(res, 200, 'ready') : send(res, 503, 'not ready');
  const query = querySleepMs > 0 ? pool.query('SELECT pg_sleep($1)', [querySleepMs / 1000]) : pool.query('SELECT 1');
  query.then(
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
  server.close();
  server.closeIdleConnections();
  if (inFlight > 0) {
    const done = new Promise<void>((r) => { drained = r; });
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(true), drainTimeoutMs).unref());
    if (await Promise.race([done.then(() => false), timeout])) {
      log('drain_timeout', { inFlight });
      server.closeAllConnections();
    }
  }
  await pool.end().catch(() => undefined);
  log('exit', { code: 0 });
  process.exit(0);
}

// A naive app has no SIGTERM handler: the process dies at once and in-flight requests are reset.
if (gracefulDrain) process.on('SIGTERM', () => void drain());

process.on('SIGHUP', () => {
  if (!credentialsFile || draining) return;
  let next: Creds;
  try {
    next = readCredentials();
  } catch (err) {
    log('reload_failed', { message: (err as Error).message });
    return;
  }
  const old = pool;
  creds = next;
  pool = createPool(creds);
  log('reloaded', { username: creds.username });
  // Queries already running on the old pool finish; its clients close as they are released.
  old.end().catch(() => undefined);
});
