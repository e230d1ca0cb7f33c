/**
 * An HTTP double of the Vault API subset vaultctl uses, answering as stack-facts.md section C
 * documents: X-Vault-Token auth (403 "permission denied"), standard envelopes, the database
 * engine (mounts, config, roles, creds), sys/leases (lookup, renew with max_ttl capping,
 * revoke, revoke-prefix, LIST lookup), rotate-root, Kubernetes auth (sys/auth, auth/<mount>/config|role) and ACL policies. HTTP only: it creates no Postgres roles. Every request is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  emptyDoubleState, fail, handleAuthMethods, vaultNow, handleDatabase, handleKubernetesAuth, handleLeasePrefixes, handleLeases, handleMounts,
  handlePolicies,
  type DoubleState, type Reply,
} from './vault-double-routes.js';

export type { DoubleState, DoubleLease } from './vault-double-routes.js';
import type { DoubleDatabasePlugin } from './vault-sql-plugin.js';

/** One request as the double saw it. `path` is relative to `/v1/`, query stripped. */
export interface RecordedRequest {
  method: string;
  rawUrl: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  token: string | undefined;
  /** The status it was answered with, once answered. */
  status?: number;
}

/** A running double. `state` is its whole store, inspectable by tests. */
export interface VaultDouble {
  endpoint: string;
  token: string;
  requests: RecordedRequest[];
  state: DoubleState;
  /** Requests minus health checks, as `METHOD path`. */
  calls(): string[];
  close(): Promise<void>;
}

/** Starts the double on 127.0.0.1 with a random port. */
export async function startVaultDouble(opts: { token?: string; database?: DoubleDatabasePlugin } = {}): Promise<VaultDouble> {
  const token = opts.token ?? `root-${randomBytes(12).toString('hex')}`;
  const requests: RecordedRequest[] = [];
  const state: DoubleState = emptyDoubleState();

  const server = createServer((req, res) => {
    void handle(req, res).catch((err) => send(res, { status: 500, body: { errors: [String(err)] } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const [pathname, search = ''] = rawUrl.split('?', 2);
    const text = await readBody(req);
    let body: Record<string, unknown> | undefined;
    if (text.trim()) {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return send(res, fail(400, 'failed to parse JSON input: invalid character'));
      }
    }
    const header = req.headers['x-vault-token'];
    const rec: RecordedRequest = {
      method: req.method ?? 'GET', rawUrl, path: pathname.replace(/^\/v1\//, ''),
      query: new URLSearchParams(search), body, token: Array.isArray(header) ? header[0] : header,
    };
    requests.push(rec);
    res.on('finish', () => { rec.status = res.statusCode; });
    // Vault >= 2.0 rejects uncleaned paths (stack-facts.md B); the exact message is not documented.
    if (/\/\/|\/\.\.?(\/|$)/.test(pathname)) return send(res, fail(400, `invalid request path: ${pathname}`));
    if (!pathname.startsWith('/v1/')) return send(res, fail(404));
    const method = rec.method === 'PUT' ? 'POST' : rec.method;
    const isList = method === 'LIST' || (method === 'GET' && ['true', '1'].includes(rec.query.get('list') ?? ''));
    if (rec.path === 'sys/health' && (method === 'GET' || method === 'HEAD')) return send(res, { status: 200, body: health(state) });
    if (rec.token !== token) return send(res, fail(403, 'permission denied'));
    if (opts.database && method === 'POST' && rec.path === 'sys/leases/revoke') await revokeInDatabase(opts.database, body);
    const reply =
      handleMounts(state, method, rec.path, body) ??
      handleAuthMethods(state, method, rec.path, body) ??
      handleKubernetesAuth(state, method, rec.path, body) ??
      handlePolicies(state, method, rec.path, body) ??
      handleLeases(state, method, rec.path, body) ??
      handleLeasePrefixes(state, isList ? 'LIST' : method, rec.path) ??
      handleDatabase(state, isList ? 'LIST' : method, rec.path, body) ??
      fail(404, '1 error occurred:\n\t* unsupported path\n\n');
    if (opts.database && method === 'GET' && reply.status === 200 && /^[^/]+\/creds\/[^/]+$/.test(rec.path)) {
      return send(res, await createInDatabase(opts.database, reply));
    }
    if (opts.database?.renew && method === 'POST' && rec.path === 'sys/leases/renew' && reply.status === 200) {
      return send(res, await renewInDatabase(opts.database, body, reply));
    }
    send(res, reply);
  }

  // With a database plugin the double does what Vault's database plugin does: the role really
  // exists in Postgres while its lease lives, and revocation runs the revocation statements.
  const usernames = new Map<string, string>();
  async function createInDatabase(db: DoubleDatabasePlugin, reply: Reply): Promise<Reply> {
    const env = reply.body as { lease_id: string; lease_duration: number; data: { username: string; password: string } };
    const lease = state.leases.get(env.lease_id)!;
    const role = state.roles.get(`${lease.mount}/${lease.role}`)!;
    const config = state.configs.get(`${lease.mount}/${String(role.db_name)}`)!;
    try {
      await db.create(config, role, { ...env.data, expiration: new Date(lease.expireTime) });
    } catch (err) {
      state.leases.delete(env.lease_id);
      return fail(500, `1 error occurred:\n\t* ${(err as Error).message}\n\n`);
    }
    usernames.set(env.lease_id, env.data.username);
    return reply;
  }
  // A renewal runs the renew statements (stack-facts C "POST /database/roles/:name": default
  // `ALTER ROLE ... VALID UNTIL '{{expiration}}'`), or new logins would fail at the first TTL.
  async function renewInDatabase(db: DoubleDatabasePlugin, body: Record<string, unknown> | undefined, reply: Reply): Promise<Reply> {
    const id = String(body?.lease_id ?? '');
    const lease = state.leases.get(id);
    const username = usernames.get(id);
    if (!lease || !username || !db.renew) return reply;
    const role = state.roles.get(`${lease.mount}/${lease.role}`)!;
    try {
      await db.renew(state.configs.get(`${lease.mount}/${String(role.db_name)}`)!, role, username, new Date(lease.expireTime));
    } catch (err) {
      return fail(500, `1 error occurred:\n\t* ${(err as Error).message}\n\n`);
    }
    return reply;
  }
  async function revokeInDatabase(db: DoubleDatabasePlugin, body: Record<string, unknown> | undefined): Promise<void> {
    const id = String(body?.lease_id ?? '');
    const lease = state.leases.get(id);
    const username = usernames.get(id);
    if (!lease || !username) return;
    const role = state.roles.get(`${lease.mount}/${lease.role}`)!;
    await db.revoke(state.configs.get(`${lease.mount}/${String(role.db_name)}`)!, role, username);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    token,
    requests,
    state,
    calls: () => requests.filter((r) => r.path !== 'sys/health').map((r) => `${r.method} ${r.path}`),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * The documented health body (values of the docs sample, except the version and the time):
 * `server_time_utc` is `time.Now().UTC().Unix()` (hashicorp/vault http/sys_health.go), on the double's clock.
 */
function health(state: DoubleState): Record<string, unknown> {
  return {
    clock_skew_ms: 0, cluster_id: 'c0ffee00-0000-0000-0000-000000000000', cluster_name: 'vault-cluster-double',
    echo_duration_ms: 0, enterprise: false, initialized: true, performance_standby: false,
    replication_dr_mode: 'disabled', replication_performance_mode: 'disabled', sealed: false,
    server_time_utc: Math.floor(vaultNow(state) / 1000), standby: false, version: '2.0.4',
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status === 200 && reply.body === undefined ? 204 : reply.status).end();
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
}
