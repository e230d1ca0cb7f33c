import type { PostgresEndpoint } from '../ports/postgres.js';
import { VaultApiError, type VaultApi } from '../ports/vault.js';
import type { Scenario } from '../scenario/model.js';

/** What configures Vault's database engine for one scenario. */
export interface DatabaseEngineConfig {
  /** The admin user Vault connects as. */
  postgres: PostgresEndpoint;
  database: Scenario['database'];
  vault: Scenario['credentials']['vault'];
  /** The connection's `allowed_roles`; default: the one role. The lab lists every strategy's role. */
  allowedRoles?: string[];
}

/** One configuration write, in the order it must happen. */
export interface VaultWrite {
  path: string;
  body: Record<string, unknown>;
}

/** Trims slashes so a mount written as `/database/` still yields clean paths. */
export function mountPath(mount: string): string {
  return mount.replace(/^\/+|\/+$/g, '');
}

/** Vault TTL fields as whole seconds; a positive sub-second value rounds up (0 would mean "mount default"). */
export function toSeconds(ms: number): number {
  return ms <= 0 ? 0 : Math.ceil(ms / 1000);
}

/**
 * The three writes that set up dynamic Postgres credentials (stack-facts.md C: sys/mounts,
 * database/config, database/roles). Pure, so the sequence can be shown and tested.
 */
export function databaseEngineWrites(cfg: DatabaseEngineConfig): VaultWrite[] {
  const mount = mountPath(cfg.vault.mount);
  const { postgres: pg, database: db } = cfg;
  const role = db.role;
  return [
    { path: `sys/mounts/${mount}`, body: { type: 'database', description: 'vaultctl dynamic Postgres credentials' } },
    {
      path: `${mount}/config/${cfg.vault.connection}`,
      body: {
        plugin_name: 'postgresql-database-plugin',
        // Templated so Vault substitutes the admin user itself (also needed for root rotation).
        connection_url: `postgresql://{{username}}:{{password}}@${pg.host}:${pg.port}/${encodeURIComponent(db.name)}?sslmode=disable`,
        username: pg.adminUser,
        password: pg.adminPassword,
        allowed_roles: cfg.allowedRoles ?? [role.name],
        verify_connection: true,
        // Vault hashes the password before CREATE ROLE, so it never reaches the server log in clear.
        password_authentication: 'scram-sha-256',
      },
    },
    roleWrite(mount, cfg.vault.connection, role),
  ];
}

/** The dynamic role's write (`<mount>/roles/<name>`, stack-facts.md C); it overwrites, so it is idempotent. */
export function roleWrite(mount: string, connection: string, role: Scenario['database']['role']): VaultWrite {
  return {
    path: `${mountPath(mount)}/roles/${role.name}`,
    body: {
      db_name: connection,
      creation_statements: role.creationStatements,
      revocation_statements: role.revocationStatements,
      renew_statements: role.renewStatements,
      default_ttl: toSeconds(role.defaultTtlMs),
      max_ttl: toSeconds(role.maxTtlMs),
    },
  };
}

/**
 * Applies {@link databaseEngineWrites}. Idempotent: an already enabled mount (400 "path is
 * already in use at") counts as done, and the config and role writes overwrite.
 */
export async function configureDatabaseEngine(api: VaultApi, cfg: DatabaseEngineConfig): Promise<void> {
  const [mount, ...rest] = databaseEngineWrites(cfg);
  try {
    await api.write(mount.path, mount.body);
  } catch (err) {
    if (!(err instanceof VaultApiError && err.status === 400 && err.mentions('path is already in use at'))) throw err;
  }
  for (const w of rest) await api.write(w.path, w.body);
}
