import type { Credentials, CredentialIssuer } from '../../../ports/credentials.js';
import type { PostgresEndpoint } from '../../../ports/postgres.js';
import { VaultApiError, type VaultApi, type VaultResponse } from '../../../ports/vault.js';
import type { Clock } from '../../../runtime/runtime.js';
import type { Scenario } from '../../../scenario/model.js';
import type { SecretRegistry } from '../../../errors/redact.js';
import { configureDatabaseEngine, mountPath, toSeconds } from '../../../stack/vault-database-engine.js';

/** Options of {@link createVaultIssuer}. */
export interface VaultIssuerOptions {
  api: VaultApi;
  /** The Postgres admin Vault connects as. */
  postgres: PostgresEndpoint;
  database: Scenario['database'];
  vault: Scenario['credentials']['vault'];
  clock: Clock;
  secrets: SecretRegistry;
  log?: (line: string) => void;
}

/**
 * The `vault` credential issuer: a real Vault's database engine issues, renews and revokes.
 * Vault revokes a lease itself at its TTL; this issuer tracks that expiry locally to report
 * `outstanding()` and fire `onExpired`.
 */
export function createVaultIssuer(opts: VaultIssuerOptions): CredentialIssuer {
  const { api, clock, secrets } = opts;
  const log = opts.log ?? (() => {});
  const mount = mountPath(opts.vault.mount);
  const role = opts.database.role.name;
  const leases = new Map<string, NodeJS.Timeout>();
  const expiredListeners: Array<(leaseId: string) => void> = [];

  const track = (leaseId: string, ttlMs: number) => {
    clearTimeout(leases.get(leaseId));
    const expiresAt = Date.now() + ttlMs;
    const arm = () => {
      const left = expiresAt - Date.now();
      // setTimeout fires at once past 2^31-1 ms (~24.8 days; Vault's default max is 768h): re-arm instead.
      const timer = setTimeout(() => {
        if (leases.get(leaseId) !== timer) return;
        if (expiresAt - Date.now() > 0) return arm();
        leases.delete(leaseId);
        for (const l of expiredListeners) l(leaseId);
      }, Math.min(Math.max(left, 0), MAX_TIMER_MS));
      // An expiry timer alone must not keep the process alive.
      timer.unref();
      leases.set(leaseId, timer);
    };
    arm();
  };
  const untrack = (leaseId: string) => {
    clearTimeout(leases.get(leaseId));
    leases.delete(leaseId);
  };
  const isInvalidLease = (err: unknown) =>
    err instanceof VaultApiError && err.status === 400 && err.mentions('invalid lease');

  const revoke = async (leaseId: string): Promise<void> => {
    try {
      await api.write('sys/leases/revoke', { lease_id: leaseId, sync: true });
    } catch (err) {
      // Already gone (expired or revoked elsewhere): the goal is reached.
      if (!isInvalidLease(err)) throw err;
    }
    untrack(leaseId);
  };

  return {
    name: 'vault',

    async setup() {
      secrets.add(opts.postgres.adminPassword);
      await configureDatabaseEngine(api, { postgres: opts.postgres, database: opts.database, vault: opts.vault });
      log(`vault: database engine ready at ${mount}/ (connection ${opts.vault.connection}, role ${role})`);
    },

    async issue(): Promise<Credentials> {
      const path = `${mount}/creds/${role}`;
      const res = await api.read(path);
      const username = res?.data?.username;
      const password = res?.data?.password;
      if (typeof password === 'string') secrets.add(password);
      if (!res?.lease_id || typeof username !== 'string' || typeof password !== 'string' || !(res.lease_duration > 0)) {
        throw new VaultApiError(`Vault GET ${path} answered without lease_id, lease_duration, username and password`, { path });
      }
      const ttlMs = res.lease_duration * 1000;
      track(res.lease_id, ttlMs);
      logWarnings(log, path, res);
      return { leaseId: res.lease_id, username, password, issuedAt: clock.now(), ttlMs };
    },

    async renew(leaseId, incrementMs) {
      let res: VaultResponse | undefined;
      try {
        res = await api.write('sys/leases/renew', { lease_id: leaseId, increment: toSeconds(incrementMs) });
      } catch (err) {
        if (isInvalidLease(err)) untrack(leaseId);
        throw err;
      }
      if (!res || typeof res.lease_duration !== 'number') {
        throw new VaultApiError('Vault POST sys/leases/renew answered without lease_duration', { path: 'sys/leases/renew' });
      }
      // A capped renewal (max_ttl reached) comes back as a warning with a shorter lease_duration.
      logWarnings(log, 'sys/leases/renew', res);
      const ttlMs = res.lease_duration * 1000;
      if (leases.has(leaseId)) track(leaseId, ttlMs);
      return ttlMs;
    },

    revoke,

    // strategy direct: leases the app itself read from Vault, known from what it reports.
    adopt: (leaseId, ttlMs) => track(leaseId, ttlMs),
    release: untrack,

    outstanding() {
      return [...leases.keys()];
    },

    onExpired(listener) {
      expiredListeners.push(listener);
    },

    async close() {
      const failures: string[] = [];
      for (const leaseId of [...leases.keys()]) {
        try {
          await revoke(leaseId);
        } catch (err) {
          failures.push(`${leaseId}: ${err instanceof Error ? err.message : String(err)}`);
          untrack(leaseId);
        }
      }
      if (failures.length > 0) {
        log(secrets.redact(`vault: could not revoke ${failures.length} lease(s); Vault revokes them at their TTL:\n  ${failures.join('\n  ')}`));
      }
      expiredListeners.length = 0;
    },
  };
}

const MAX_TIMER_MS = 2 ** 31 - 1;

function logWarnings(log: (line: string) => void, path: string, res: VaultResponse): void {
  for (const w of res.warnings ?? []) log(`vault: warning from ${path}: ${w}`);
}
