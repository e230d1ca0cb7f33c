import type { Scenario } from '../../scenario/model.js';
import type { PostgresEndpoint } from '../../ports/postgres.js';
import { DIRECT_DEFAULTS } from '../../strategies/direct.js';
import { mountPath } from '../../stack/vault-database-engine.js';

/**
 * Environment of every replica apart from PORT and credentials: where the database is and the
 * demo app's knobs (see src/demo-app/server.ts). With `vault` (strategy direct) also where the app
 * reads its own credentials. A user's workload.env wins.
 */
export function workloadEnv(s: Scenario, pg: PostgresEndpoint, vault?: { endpoint: string; token: string }): Record<string, string> {
  const w = s.workload;
  return {
    PGHOST: pg.host,
    PGPORT: String(pg.port),
    PGDATABASE: s.database.name,
    QUERY_SLEEP_MS: String(w.querySleepMs),
    POOL_MAX: String(w.pool.max),
    POOL_MAX_LIFETIME_S: String(Math.ceil(w.pool.maxLifetimeMs / 1000)),
    POOL_IDLE_TIMEOUT_MS: String(w.pool.idleTimeoutMs),
    GRACEFUL_DRAIN: w.gracefulDrain ? '1' : '0',
    // Drain must finish inside the grace period that remains after preStop.
    DRAIN_TIMEOUT_MS: String(Math.max(1000, w.terminationGracePeriodMs - w.preStopMs - 500)),
    ...(vault ? directAppEnv(s, vault) : {}),
    ...w.env,
  };
}

/**
 * strategy direct: the app's Vault address, token and creds path, and what it does with the old
 * lease (src/strategies/direct.ts DIRECT_DEFAULTS unless the scenario says). The token is vaultctl's
 * own (VAULT_TOKEN or the dev server's root token): stack-facts.md section C documents no
 * auth/token/create, so a narrower child token (policy: read database/creds/<role>, sys/leases
 * renew + revoke, facts file §7 "Policy") is not minted. With the root token the app's leases never
 * die with their token, which is also why token re-login is not modelled (DIRECT_FACTS.unverified).
 */
function directAppEnv(s: Scenario, vault: { endpoint: string; token: string }): Record<string, string> {
  const d = s.delivery;
  return {
    VAULT_ADDR: vault.endpoint,
    VAULT_TOKEN: vault.token,
    VAULT_CREDS_PATH: `${mountPath(s.credentials.vault.mount)}/creds/${s.database.role.name}`,
    VAULT_REVOKE_OLD_LEASE: (d.revokeOldLease ?? DIRECT_DEFAULTS.revokeOldLease) ? '1' : '0',
    VAULT_REVOKE_AFTER_MS: String(d.revokeAfterMs ?? DIRECT_DEFAULTS.drainMs),
  };
}

/** What a replica inherits from vaultctl's own environment: enough to find and run a program. */
export function inheritedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ', 'NODE_OPTIONS']) {
    const v = env[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * `postgres://user:password@host:port/database` from a replica's PG* variables (libpq's URI form),
 * user and password percent-encoded; without them when the replica reads a credentials file.
 */
export function databaseUrl(env: Readonly<Record<string, string | undefined>>): string {
  const auth = env.PGUSER ? `${encodeURIComponent(env.PGUSER)}${env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : ''}@` : '';
  return `postgres://${auth}${env.PGHOST ?? '127.0.0.1'}:${env.PGPORT ?? '5432'}/${encodeURIComponent(env.PGDATABASE ?? '')}`;
}
