import { VaultApiError, type VaultApi } from '../ports/vault.js';
import {
  configureDatabaseEngine, mountPath, roleWrite, toSeconds, type DatabaseEngineConfig, type VaultWrite,
} from './vault-database-engine.js';
import {
  DEFAULT_CREATION_STATEMENTS, DEFAULT_DATABASE_SETUP, DEFAULT_RENEW_STATEMENTS, DEFAULT_REVOCATION_STATEMENTS,
} from '../scenario/schema.js';
import type { StackConfig } from './stack-config.js';
import type { LabVaultRole } from './strategies/lab-strategy.js';
import { allLabDatabaseRoles, labDatabaseRole, type LabStrategyName } from './strategies/names.js';

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
    ...roleWrites(cfg, {
      role: cfg.vault.authRole, serviceAccount: cfg.eso.serviceAccount, namespace: cfg.namespace, policy: cfg.vault.policy,
      paths: { [`${db}/creds/${cfg.vault.role}`]: ['read'] },
    }),
  ];
}

/**
 * A strategy's policy and Kubernetes-auth role (issue 12), written after the base lab's auth
 * method exists: the same two writes as the base lab's ESO role.
 */
export function roleWrites(cfg: StackConfig, r: LabVaultRole): VaultWrite[] {
  const auth = mountPath(cfg.vault.kubernetesAuthMount);
  const policy = Object.entries(r.paths)
    .map(([path, caps]) => `path "${path}" {\n  capabilities = [${caps.map((c) => JSON.stringify(c)).join(', ')}]\n}\n`).join('');
  return [
    { path: `sys/policies/acl/${r.policy}`, body: { policy } },
    {
      path: `auth/${auth}/role/${r.role}`,
      body: {
        bound_service_account_names: [r.serviceAccount],
        bound_service_account_namespaces: [r.namespace],
        token_policies: [r.policy],
        // Leases die with the token that created them: token_ttl >= the role's default_ttl (stack-facts F).
        token_ttl: toSeconds(cfg.vault.tokenTtlMs),
      },
    },
  ];
}

/** Applies {@link roleWrites} (both overwrite: idempotent); returns Vault's warnings. */
export async function configureLabRole(api: VaultApi, cfg: StackConfig, r: LabVaultRole): Promise<string[]> {
  return writeAll(api, roleWrites(cfg, r));
}

/** Applies {@link kubernetesAuthWrites}; an auth method already enabled counts as done. */
export async function configureKubernetesAuth(api: VaultApi, cfg: StackConfig): Promise<string[]> {
  const [enable, ...rest] = kubernetesAuthWrites(cfg);
  await writeIdempotent(api, enable);
  return writeAll(api, rest);
}

async function writeAll(api: VaultApi, writes: VaultWrite[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const w of writes) {
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
      role: labRole(cfg, cfg.vault.role),
    },
    vault: { mount: cfg.vault.databaseMount, connection: cfg.vault.connection },
    allowedRoles: allLabDatabaseRoles(cfg.vault.role),
  };
}

/** A lab database role: the default statements and the lab config's TTLs, under `name`. */
function labRole(cfg: StackConfig, name: string): DatabaseEngineConfig['database']['role'] {
  return {
    name,
    creationStatements: DEFAULT_CREATION_STATEMENTS,
    revocationStatements: DEFAULT_REVOCATION_STATEMENTS,
    renewStatements: DEFAULT_RENEW_STATEMENTS,
    defaultTtlMs: cfg.vault.defaultTtlMs,
    maxTtlMs: cfg.vault.maxTtlMs,
  };
}

/** A strategy's own database role (strategies/names.ts labDatabaseRole), on the base lab's connection. */
export function strategyDatabaseRoleWrite(cfg: StackConfig, strategy: LabStrategyName): VaultWrite {
  return roleWrite(cfg.vault.databaseMount, cfg.vault.connection, labRole(cfg, labDatabaseRole(cfg.vault.role, strategy)));
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
