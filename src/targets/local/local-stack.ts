import type { CredentialIssuer } from '../../ports/credentials.js';
import type { PostgresEndpoint, PostgresServer, SqlClient } from '../../ports/postgres.js';
import type { ProcessSpawner } from '../../ports/process-spawner.js';
import { runsDir } from '../../runtime/private-dir.js';
import { openRunLedger, type RunLedger } from '../../runtime/run-ledger.js';
import { step } from '../run-step.js';
import { POSTGRES_LOG_SETTINGS } from './postgres-log.js';
import { watchDatabaseLog } from './database-log.js';
import type { TargetContext } from '../target.js';
import type { LocalTargetDeps, VaultEndpoint } from './local-deps.js';
import { createDirectIssuer } from './issuers/direct-issuer.js';
import { createVaultIssuer } from './issuers/vault-issuer.js';
import { ensureDatabase } from './database-setup.js';
import { startProxy, type ServiceProxy } from './proxy.js';
import { startTcpProxy } from './tcp-proxy.js';

/** What a local run stands on: database, issuer, and the proxy that stands in for the Service. */
export interface LocalStack {
  postgres: PostgresEndpoint;
  /** The server itself, watched for an unexpected exit during the run. */
  server: PostgresServer;
  issuer: CredentialIssuer;
  proxy: ServiceProxy;
  /** This process's run ledger: everything the run creates is recorded there first. */
  ledger: RunLedger;
  /** Starts the replicas (recorded in `ledger`). */
  spawner: ProcessSpawner;
  /** The Vault of `issuer: vault` (strategy direct hands it to the app). */
  vault?: VaultEndpoint;
}

/** Shared by every step of a local run: the run's context with these deps. */
export interface LocalContext extends TargetContext {
  deps: LocalTargetDeps;
}

/** Starts Postgres, prepares the app database, sets up the issuer and the proxy. */
export async function buildLocalStack(ctx: LocalContext): Promise<LocalStack> {
  const { scenario: s, deps, cleanup } = ctx;
  const log = (line: string) => ctx.reporter.info(`  ${line}`);
  // Before anything is started: what an earlier, killed run left (replicas, Postgres, temp dirs)
  // would hold ports and roles. A state dir that is not private fails here (exit 3).
  const ledger = openRunLedger(runsDir(ctx.env));
  await deps.reapLeftovers(ledger, (line) => ctx.reporter.info(line));
  const spawner = deps.spawner(ledger);
  // Prerequisites first: a missing Vault fails before anything is started.
  const vault = s.credentials.issuer === 'vault'
    ? await step(ctx, 'Finding Vault', async () => {
      const v = await deps.resolveVault(ctx.env, ctx.secrets, spawner);
      cleanup.defer('stop vault', () => v.stop());
      return v;
    }, (v) => v.endpoint)
    : undefined;
  const server = deps.createPostgres({ log: () => {}, secrets: ctx.secrets, ledger, spawner, settings: POSTGRES_LOG_SETTINGS });
  cleanup.defer('stop postgres', () => server.stop());
  let databaseGone = false;
  server.onUnexpectedExit(() => { databaseGone = true; });
  // Its own errors become events from the first connection on; flushed before it stops (cleanup is LIFO).
  cleanup.defer('read the rest of the database log', watchDatabaseLog(ctx, server));
  const postgres = await step(ctx, 'Starting embedded Postgres', () => server.start(ctx.signal),
    (e) => `127.0.0.1:${e.port}`);

  const admin = await step(ctx, `Preparing database "${s.database.name}"`, async () => {
    const root = await deps.connectSql({ ...conn(postgres), database: postgres.database });
    try {
      await ensureDatabase(root, s.database.name);
    } finally {
      await root.close();
    }
    const app = await deps.connectSql({ ...conn(postgres), database: s.database.name });
    cleanup.defer('close admin connection', () => app.close());
    for (const sql of s.database.setup) await app.query(sql);
    return app;
  });

  const issuer = await step(ctx, `Setting up the ${s.credentials.issuer} credential issuer`,
    () => createIssuer(ctx, postgres, admin, log, vault, () => databaseGone));
  issuer.onExpired((leaseId) => ctx.events.emit({ t: ctx.now(), type: 'lease_expired', leaseId }));

  const mode = s.workload.serviceMode;
  const proxy = await step(ctx, `Starting the service proxy (${mode})`, async () => {
    // Endpoint changes are in the event log (replica_ready / replica_removed); keep stderr short.
    // l7: the proxy gives up just before the client does, so a slow replica shows up as a 504 with a cause.
    const p = mode === 'l7'
      ? await startProxy({ port: s.workload.servicePort, upstreamTimeoutMs: Math.max(500, s.load.timeoutMs - 100) })
      : await startTcpProxy({ port: s.workload.servicePort });
    cleanup.defer('close proxy', () => p.close());
    return p;
  }, (p) => p.url);
  return { postgres, server, issuer, proxy, ledger, spawner, vault };
}

function conn(e: PostgresEndpoint) {
  return { host: e.host, port: e.port, user: e.adminUser, password: e.adminPassword };
}

async function createIssuer(ctx: LocalContext, pg: PostgresEndpoint, admin: SqlClient,
  log: (line: string) => void, vault: VaultEndpoint | undefined, databaseGone: () => boolean): Promise<CredentialIssuer> {
  const { scenario: s, deps } = ctx;
  let issuer: CredentialIssuer;
  if (!vault) {
    issuer = createDirectIssuer({ admin, role: s.database.role, database: s.database.name,
      clock: { now: ctx.now, wallClock: () => new Date() }, secrets: ctx.secrets, log });
  } else {
    issuer = createVaultIssuer({ api: deps.createVaultApi(vault), postgres: { ...pg, database: s.database.name },
      database: s.database, vault: s.credentials.vault, clock: { now: ctx.now, wallClock: () => new Date() },
      secrets: ctx.secrets, log });
  }
  // Leases are revoked before Postgres stops: the cleanup stack runs newest first.
  ctx.cleanup.defer('revoke leases', async () => {
    const ids = issuer.outstanding();
    try {
      await issuer.close();
    } catch (err) {
      // A database that died mid-run took its roles with it, and the run already failed for that.
      if (!databaseGone()) throw err;
    }
    const left = new Set(issuer.outstanding());
    for (const leaseId of ids) {
      if (!left.has(leaseId)) ctx.events.emit({ t: ctx.now(), type: 'lease_revoked', leaseId, reason: 'cleanup' });
    }
  });
  await issuer.setup();
  return issuer;
}
