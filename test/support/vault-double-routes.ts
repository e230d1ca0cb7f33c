/**
 * Route handlers of the Vault double (see vault-double.ts). Each returns undefined when the path
 * is not its own. Shapes follow stack-facts.md section C.
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** Answer of a route: status and a JSON body (none for 204). */
export interface Reply {
  status: number;
  body?: unknown;
}

/** A lease the double issued; times are epoch ms. */
export interface DoubleLease {
  id: string;
  mount: string;
  role: string;
  issueTime: number;
  expireTime: number;
  /** issueTime + the role's max_ttl: renewals cannot go past it. */
  maxExpire: number;
  lastRenewal: number | null;
}

/** Everything the double stores. Keys of configs/roles are `<mount>/<name>`. */
export interface DoubleState {
  mounts: Map<string, { type: string; description: string; config: Record<string, unknown> }>;
  configs: Map<string, Record<string, unknown>>;
  roles: Map<string, Record<string, unknown>>;
  leases: Map<string, DoubleLease>;
  /** Lease ids revoked through sys/leases/revoke, in order. */
  revoked: string[];
  /** Auth methods by mount (sys/auth/:path), e.g. `kubernetes`. */
  auths: Map<string, { type: string; description: string }>;
  /** `auth/<mount>/config` bodies by mount. */
  authConfigs: Map<string, Record<string, unknown>>;
  /** Kubernetes auth roles; keys are `<mount>/<role>`. */
  authRoles: Map<string, Record<string, unknown>>;
  /** ACL policies by name (sys/policies/acl/:name). */
  policies: Map<string, string>;
  /** `<mount>/<connection>` of every `rotate-root` call, in order. */
  rootRotations: string[];
  /**
   * How far the double's clock (lease times, sys/health `server_time_utc`) runs ahead of this
   * machine's; negative when behind. A real lab's Vault runs on another host's clock.
   */
  clockOffsetMs: number;
}

/** An empty store. */
export function emptyDoubleState(): DoubleState {
  return {
    mounts: new Map(), configs: new Map(), roles: new Map(), leases: new Map(), revoked: [],
    auths: new Map(), authConfigs: new Map(), authRoles: new Map(), policies: new Map(), rootRotations: [], clockOffsetMs: 0,
  };
}

/** The double's own clock, epoch ms. */
export function vaultNow(s: DoubleState): number {
  return Date.now() + s.clockOffsetMs;
}

/**
 * A Go `time.Time` as Vault's JSON writes it (RFC3339Nano: trailing zeros of the fraction
 * dropped; `2021-03-17T11:45:50.755312-05:00` in developer.hashicorp.com/vault/docs/commands/lease/lookup).
 * The double runs in UTC and keeps ms, so `2026-11-30T10:00:04.12Z` or `2026-11-30T10:00:04Z`.
 */
export function goTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f ? `.${f}Z` : 'Z'));
}

/** Vault's system default lease TTL and max TTL (768h). */
const SYSTEM_MAX_TTL_S = 768 * 3600;

/** Vault's standard envelope. */
export function envelope(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: null,
    wrap_info: null, warnings: null, auth: null, ...fields,
  };
}

/** `{"errors":[...]}` with a status. */
export function fail(status: number, ...errors: string[]): Reply {
  return { status, body: { errors } };
}

const NO_CONTENT: Reply = { status: 204 };

/** `sys/mounts` and `sys/mounts/:path`. */
export function handleMounts(s: DoubleState, method: string, path: string, body?: Record<string, unknown>): Reply | undefined {
  if (path === 'sys/mounts' && method === 'GET') {
    const data = Object.fromEntries([...s.mounts].map(([m, v]) => [`${m}/`, v]));
    return { status: 200, body: envelope({ data }) };
  }
  if (!path.startsWith('sys/mounts/')) return undefined;
  const mount = path.slice('sys/mounts/'.length).replace(/\/+$/, '');
  if (method === 'POST') {
    if (typeof body?.type !== 'string' || !body.type) return fail(400, 'backend type must be specified as a string');
    if (s.mounts.has(mount)) return fail(400, `path is already in use at ${mount}/`);
    s.mounts.set(mount, {
      type: body.type, description: String(body.description ?? ''), config: (body.config as Record<string, unknown>) ?? {},
    });
    return NO_CONTENT;
  }
  if (method === 'DELETE') {
    s.mounts.delete(mount);
    for (const [id, l] of s.leases) if (l.mount === mount) s.leases.delete(id);
    return NO_CONTENT;
  }
  return undefined;
}

/** `sys/leases/lookup|renew|revoke`. Unknown or expired lease ids answer 400 "invalid lease". */
export function handleLeases(s: DoubleState, method: string, path: string, body?: Record<string, unknown>): Reply | undefined {
  if (method !== 'POST' || !['sys/leases/lookup', 'sys/leases/renew', 'sys/leases/revoke'].includes(path)) return undefined;
  const id = typeof body?.lease_id === 'string' ? body.lease_id : '';
  if (!id) return fail(400, 'lease_id must be specified');
  const lease = liveLease(s, id);
  if (!lease) return fail(400, 'invalid lease');
  const now = vaultNow(s);
  if (path === 'sys/leases/revoke') {
    s.leases.delete(id);
    s.revoked.push(id);
    return NO_CONTENT;
  }
  if (path === 'sys/leases/lookup') {
    // logical_system.go handleLeaseLookup: the times are time.Time values (RFC3339Nano in JSON).
    const iso = (t: number | null) => (t === null ? null : goTime(t));
    return { status: 200, body: envelope({ data: {
      id, issue_time: iso(lease.issueTime), expire_time: iso(lease.expireTime), last_renewal: iso(lease.lastRenewal),
      renewable: true, ttl: Math.max(0, Math.floor((lease.expireTime - now) / 1000)),
    } }) };
  }
  const role = s.roles.get(`${lease.mount}/${lease.role}`);
  const requested = Number(body?.increment ?? 0) > 0 ? Math.floor(Number(body?.increment)) : ttlSeconds(role?.default_ttl) || SYSTEM_MAX_TTL_S;
  const remaining = Math.floor((lease.maxExpire - now) / 1000);
  if (remaining <= 0) return fail(400, 'past the max TTL, cannot renew');
  const warnings: string[] = [];
  let ttl = requested;
  if (requested > remaining) {
    ttl = remaining;
    warnings.push(`TTL of "${goDuration(requested)}" exceeded the effective max_ttl of "${goDuration(remaining)}"; TTL value is capped accordingly`);
  }
  lease.expireTime = now + ttl * 1000;
  lease.lastRenewal = now;
  return { status: 200, body: envelope({ lease_id: id, renewable: true, lease_duration: ttl, warnings: warnings.length ? warnings : null }) };
}

/** `<mount>/config/:name`, `<mount>/roles/:name`, `<mount>/creds/:role` of a `database` mount. */
export function handleDatabase(s: DoubleState, method: string, path: string, body?: Record<string, unknown>): Reply | undefined {
  const mount = [...s.mounts.keys()].find((m) => s.mounts.get(m)?.type === 'database' && path.startsWith(`${m}/`));
  if (!mount) return undefined;
  const [kind, name = '', ...extra] = path.slice(mount.length + 1).replace(/\/+$/, '').split('/');
  if (extra.length > 0) return undefined;
  const key = `${mount}/${name}`;
  if (method === 'LIST' && !name && (kind === 'config' || kind === 'roles')) {
    const store = kind === 'config' ? s.configs : s.roles;
    const keys = [...store.keys()].filter((k) => k.startsWith(`${mount}/`)).map((k) => k.slice(mount.length + 1));
    return keys.length ? { status: 200, body: envelope({ data: { keys } }) } : fail(404);
  }
  if (!name) return undefined;
  if (kind === 'config') return configRoute(s, method, key, body);
  if (kind === 'roles') return roleRoute(s, method, key, body);
  if (kind === 'creds' && method === 'GET') return issueCreds(s, mount, name);
  if (kind === 'rotate-root' && method === 'POST') {
    // stack-facts C: no body; the connection must exist. The new root password is never shown.
    if (!s.configs.has(key)) return fail(400, `failed to rotate root credentials: no configuration found for "${name}"`);
    s.rootRotations.push(key);
    return NO_CONTENT;
  }
  return undefined;
}

/**
 * `POST sys/leases/revoke-prefix/<prefix>` (body optional, `sync`) and `LIST sys/leases/lookup/<prefix>/`
 * (stack-facts C). A prefix that is not a lease id gets a trailing "/", so `database/creds/app`
 * never matches the leases of a role `app2`. LIST answers the next path segment of each lease
 * under the prefix, and 404 when there is none (as Vault does for an empty LIST).
 */
export function handleLeasePrefixes(s: DoubleState, method: string, path: string): Reply | undefined {
  const revoke = /^sys\/leases\/revoke-prefix\/(.+)$/.exec(path);
  if (revoke && method === 'POST') {
    const raw = revoke[1];
    const prefix = s.leases.has(raw) ? raw : `${raw.replace(/\/+$/, '')}/`;
    for (const id of [...s.leases.keys()]) {
      if (id === raw || id.startsWith(prefix)) {
        s.leases.delete(id);
        s.revoked.push(id);
      }
    }
    return NO_CONTENT;
  }
  const lookup = /^sys\/leases\/lookup\/(.+)$/.exec(path);
  if (lookup && method === 'LIST') {
    const prefix = `${lookup[1].replace(/\/+$/, '')}/`;
    const keys = new Set<string>();
    for (const id of s.leases.keys()) {
      if (!liveLease(s, id) || !id.startsWith(prefix)) continue;
      const rest = id.slice(prefix.length);
      const slash = rest.indexOf('/');
      keys.add(slash < 0 ? rest : rest.slice(0, slash + 1));
    }
    return keys.size ? { status: 200, body: envelope({ data: { keys: [...keys].sort() } }) } : fail(404);
  }
  return undefined;
}

function configRoute(s: DoubleState, method: string, key: string, body?: Record<string, unknown>): Reply | undefined {
  if (method === 'POST') {
    if (typeof body?.plugin_name !== 'string' || !body.plugin_name) return fail(400, 'plugin_name must be specified');
    s.configs.set(key, { ...body });
    return NO_CONTENT;
  }
  if (method !== 'GET') return method === 'DELETE' ? (s.configs.delete(key), NO_CONTENT) : undefined;
  const c = s.configs.get(key);
  if (!c) return fail(404);
  // The password is never returned.
  return { status: 200, body: envelope({ data: {
    allowed_roles: c.allowed_roles ?? [], connection_details: { connection_url: c.connection_url, username: c.username },
    password_policy: '', plugin_name: c.plugin_name, plugin_version: '', root_credentials_rotate_statements: [],
    verify_connection: c.verify_connection ?? true,
  } }) };
}

function roleRoute(s: DoubleState, method: string, key: string, body?: Record<string, unknown>): Reply | undefined {
  if (method === 'POST') {
    if (typeof body?.db_name !== 'string' || !body.db_name) return fail(400, 'empty database name attribute');
    if (!body.creation_statements || (Array.isArray(body.creation_statements) && body.creation_statements.length === 0)) {
      return fail(400, 'empty creation statements');
    }
    s.roles.set(key, { ...body });
    return NO_CONTENT;
  }
  if (method !== 'GET') return method === 'DELETE' ? (s.roles.delete(key), NO_CONTENT) : undefined;
  const r = s.roles.get(key);
  if (!r) return fail(404);
  return { status: 200, body: envelope({ data: {
    db_name: r.db_name, creation_statements: r.creation_statements, revocation_statements: r.revocation_statements ?? [],
    renew_statements: r.renew_statements ?? [], rollback_statements: [], credential_type: 'password',
    default_ttl: ttlSeconds(r.default_ttl), max_ttl: ttlSeconds(r.max_ttl),
  } }) };
}

function issueCreds(s: DoubleState, mount: string, name: string): Reply {
  const role = s.roles.get(`${mount}/${name}`);
  if (!role) return fail(400, `unknown role: ${name}`);
  const config = s.configs.get(`${mount}/${String(role.db_name)}`);
  if (!config) return fail(500, `1 error occurred:\n\t* could not find database config "${String(role.db_name)}"\n\n`);
  const allowed = Array.isArray(config.allowed_roles) ? config.allowed_roles.map(String) : [];
  if (!allowed.includes(name) && !allowed.includes('*')) return fail(400, `"${name}" is not an allowed role`);
  const maxTtl = ttlSeconds(role.max_ttl) || SYSTEM_MAX_TTL_S;
  const ttl = Math.min(ttlSeconds(role.default_ttl) || SYSTEM_MAX_TTL_S, maxTtl);
  const now = vaultNow(s);
  const id = `${mount}/creds/${name}/${alnum(24)}`;
  s.leases.set(id, { id, mount, role: name, issueTime: now, expireTime: now + ttl * 1000, maxExpire: now + maxTtl * 1000, lastRenewal: null });
  // Default username template: v-<displayName≤8>-<role≤8>-<20 random>-<unix>, at most 63 chars.
  const username = `v-token-${name.slice(0, 8)}-${alnum(20)}-${Math.floor(now / 1000)}`.slice(0, 63);
  return { status: 200, body: envelope({
    lease_id: id, lease_duration: ttl, renewable: true, data: { username, password: `A1a-${alnum(16)}` },
  }) };
}

/** The lease if it exists and has not passed its TTL; Vault revokes expired leases itself. */
function liveLease(s: DoubleState, id: string): DoubleLease | undefined {
  const lease = s.leases.get(id);
  if (lease && lease.expireTime <= vaultNow(s)) s.leases.delete(id);
  return s.leases.get(id);
}

/** Seconds from an int, a numeric string or a Go duration ("1h30m", "90s"). 0 when unset. */
export function ttlSeconds(v: unknown): number {
  if (typeof v === 'number') return Math.floor(v);
  if (typeof v !== 'string' || !v) return 0;
  if (/^\d+$/.test(v)) return Number(v);
  let total = 0;
  for (const [, n, unit] of v.matchAll(/(\d+)(h|m|s)/g)) total += Number(n) * ({ h: 3600, m: 60, s: 1 } as const)[unit as 'h' | 'm' | 's'];
  return total;
}

/** Go's time.Duration String() for whole seconds: "2s", "1m0s", "1h0m0s" (Vault's %q warnings). */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

function alnum(n: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(n)].map((b) => chars[b % chars.length]).join('');
}

/** `sys/auth`, `sys/auth/:path` (stack-facts C: re-enabling answers 400 "path is already in use at <path>/"). */
export function handleAuthMethods(s: DoubleState, method: string, path: string, body?: Record<string, unknown>): Reply | undefined {
  if (path === 'sys/auth' && method === 'GET') {
    const data = Object.fromEntries([...s.auths].map(([m, v]) => [`${m}/`, { ...v, accessor: `auth_${v.type}_double` }]));
    return { status: 200, body: envelope({ data }) };
  }
  if (!path.startsWith('sys/auth/')) return undefined;
  const mount = path.slice('sys/auth/'.length).replace(/\/+$/, '');
  if (method === 'POST') {
    if (typeof body?.type !== 'string' || !body.type) return fail(400, 'backend type must be specified as a string');
    if (s.auths.has(mount)) return fail(400, `path is already in use at ${mount}/`);
    s.auths.set(mount, { type: body.type, description: String(body.description ?? '') });
    return NO_CONTENT;
  }
  if (method === 'DELETE') {
    s.auths.delete(mount);
    return NO_CONTENT;
  }
  return undefined;
}

/** `auth/<mount>/config` and `auth/<mount>/role/:name` of an enabled `kubernetes` auth method. */
export function handleKubernetesAuth(s: DoubleState, method: string, path: string, body?: Record<string, unknown>): Reply | undefined {
  const mount = [...s.auths.keys()].find((m) => s.auths.get(m)?.type === 'kubernetes' && path.startsWith(`auth/${m}/`));
  if (!mount) return undefined;
  const rest = path.slice(`auth/${mount}/`.length).replace(/\/+$/, '');
  if (rest === 'config') {
    if (method === 'POST') {
      // path_config.go: an empty host is rejected.
      if (typeof body?.kubernetes_host !== 'string' || !body.kubernetes_host) return fail(400, 'no host provided');
      s.authConfigs.set(mount, { ...body });
      return NO_CONTENT;
    }
    if (method !== 'GET') return undefined;
    const c = s.authConfigs.get(mount);
    if (!c) return fail(404);
    return { status: 200, body: envelope({ data: {
      kubernetes_host: c.kubernetes_host, kubernetes_ca_cert: c.kubernetes_ca_cert ?? '', pem_keys: c.pem_keys ?? [],
      issuer: '', disable_iss_validation: true, disable_local_ca_jwt: c.disable_local_ca_jwt ?? false,
      token_reviewer_jwt_set: Boolean(c.token_reviewer_jwt), use_annotations_as_alias_metadata: false,
    } }) };
  }
  const m = /^role\/([^/]+)$/.exec(rest);
  if (!m) return undefined;
  const key = `${mount}/${m[1]}`;
  if (method === 'POST') {
    const names = body?.bound_service_account_names;
    const namespaces = body?.bound_service_account_namespaces;
    if (!names || (Array.isArray(names) && names.length === 0)) return fail(400, '"bound_service_account_names" can not be empty');
    if (!namespaces && !body?.bound_service_account_namespace_selector) {
      return fail(400, '"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set');
    }
    const ttl = ttlSeconds(body?.token_ttl);
    const maxTtl = ttlSeconds(body?.token_max_ttl);
    if (maxTtl > 0 && ttl > maxTtl) return fail(400, 'token ttl should not be greater than token max ttl');
    s.authRoles.set(key, { ...body });
    // path_role.go warns when no audience is configured; the write still succeeds.
    if (!body?.audience) {
      return { status: 200, body: envelope({ warnings: [`Role ${m[1]} does not have an audience configured. While audiences are not required, consider specifying one if your use case would benefit from additional JWT claim verification.`] }) };
    }
    return NO_CONTENT;
  }
  if (method === 'DELETE') return (s.authRoles.delete(key), NO_CONTENT);
  if (method !== 'GET') return undefined;
  const r = s.authRoles.get(key);
  if (!r) return fail(404);
  return { status: 200, body: envelope({ data: { ...r, token_ttl: ttlSeconds(r.token_ttl), token_max_ttl: ttlSeconds(r.token_max_ttl) } }) };
}

/** `sys/policies/acl/:name` (body field `policy`, not the legacy `rules`). */
export function handlePolicies(s: DoubleState, method: string, path: string, body?: Record<string, unknown>): Reply | undefined {
  if (!path.startsWith('sys/policies/acl/')) return undefined;
  const name = path.slice('sys/policies/acl/'.length).replace(/\/+$/, '');
  if (!name) return undefined;
  if (method === 'POST') {
    if (typeof body?.policy !== 'string' || !body.policy) return fail(400, "'policy' parameter not supplied or empty");
    s.policies.set(name, body.policy);
    return NO_CONTENT;
  }
  if (method === 'DELETE') return (s.policies.delete(name), NO_CONTENT);
  if (method !== 'GET') return undefined;
  const p = s.policies.get(name);
  return p === undefined ? fail(404) : { status: 200, body: envelope({ data: { name, policy: p } }) };
}
