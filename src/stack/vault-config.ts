import { VaultApiError, type VaultApi } from '../ports/vault.js';
import {
  configureDatabaseEngine, mountPath, toSeconds, type DatabaseEngineConfig, type VaultWrite,
} from './vault-database-engine.js';
import {
  DEFAULT_CREATION_STATEMENTS, DEFAULT_DATABASE_SETUP, DEFAULT_RENEW_STATEMENTS, DEFAULT_REVOCATION_STATEMENTS,
} from '../scenario/schema.js';
import type { StackConfig } from './stack-config.js';

/** Vault in a pod reaches the API server here; CA and reviewer JWT default to its own SA (stack-facts C). */
export const IN_CLUSTER_KUBERNETES_HOST = 'https://kubernetes.default.svc:443';

/** Vault's answer when an auth method or engine is already enabled at a path (stack-facts C). */
const ALREADY_IN_USE = 'path is already in use at';

/**
 * The Kubernetes auth writes, in order (stack-facts C): enable the method, point it at the API
 * server, a policy that may read the database role's creds, and the role ESO's generator logs in as.
 */
export function kubernetesAuthWrites(cfg: StackConfig): VaultWrite[] {
  const auth = mountPath(cfg.vault.kubernetesAuthMount);
  const db = mountPath(cfg.vault.databaseMount);
  return [
    { path: `sys/auth/${auth}`, body: { type: 'kubernetes', description: 'vaultctl: ESO logs in with a service account token' } },
    { path: `auth/${auth}/config`, body: { kubernetes_host: IN_CLUSTER_KUBERNETES_HOST } },
    {
      path: `sys/policies/acl/${cfg.vault.policy}`,
      body: { policy: `path "${db}/creds/${cfg.vault.role}" {\n  capabilities = ["read"]\n}\n` },
    },
    {
      path: `auth/${auth}/role/${cfg.vault.authRole}`,
      body: {
        bound_service_account_names: [cfg.eso.serviceAccount],
        bound_service_account_namespaces: [cfg.namespace],
        token_policies: [cfg.vault.policy],
        // Leases die with the token that created them: token_ttl >= the role's default_ttl (stack-facts F).
        token_ttl: toSeconds(cfg.vault.tokenTtlMs),
      },
    },
  ];
}

/** Applies {@link kubernetesAuthWrites}; an auth method already enabled counts as done. */
export async function configureKubernetesAuth(api: VaultApi, cfg: StackConfig): Promise<string[]> {
  const [enable, ...rest] = kubernetesAuthWrites(cfg);
  const warnings: string[] = [];
  await writeIdempotent(api, enable);
  for (const w of rest) {
    const res = await api.write(w.path, w.body);
    // The role write warns when no audience is set; ESO's token has the API server's default audience.
    for (const warning of res?.warnings ?? []) warnings.push(`${w.path}: ${warning}`);
  }
  return warnings;
}

/** The admin connection Vault uses to reach the in-cluster Postgres. */
export interface InClusterPostgres {
  host: string;
  adminUser: string;
  adminPassword: string;
}

/** The database engine settings for the lab: the in-cluster Postgres and the config's role. */
export function stackDatabaseEngine(cfg: StackConfig, pg: InClusterPostgres): DatabaseEngineConfig {
  return {
    postgres: { host: pg.host, port: 5432, database: cfg.postgres.database, adminUser: pg.adminUser, adminPassword: pg.adminPassword },
    database: {
      name: cfg.postgres.database,
      // Not run by Vault: the Postgres image runs it at first start (manifests/postgres.ts), so the
      // demo table exists before Vault creates a role and its GRANT ON ALL TABLES covers it.
      setup: DEFAULT_DATABASE_SETUP,
      role: {
        name: cfg.vault.role,
        creationStatements: DEFAULT_CREATION_STATEMENTS,
        revocationStatements: DEFAULT_REVOCATION_STATEMENTS,
        renewStatements: DEFAULT_RENEW_STATEMENTS,
        defaultTtlMs: cfg.vault.defaultTtlMs,
        maxTtlMs: cfg.vault.maxTtlMs,
      },
    },
    vault: { mount: cfg.vault.databaseMount, connection: cfg.vault.connection },
  };
}

/** Configures the database engine through the local issuer's idempotent setup. */
export async function configureStackDatabase(api: VaultApi, cfg: StackConfig, pg: InClusterPostgres): Promise<void> {
  await configureDatabaseEngine(api, stackDatabaseEngine(cfg, pg));
}

async function writeIdempotent(api: VaultApi, w: VaultWrite): Promise<void> {
  try {
    await api.write(w.path, w.body);
  } catch (err) {
    if (!(err instanceof VaultApiError && err.status === 400 && err.mentions(ALREADY_IN_USE))) throw err;
  }
}
