import { ExternalError } from '../../../errors/errors.js';
import type { SecretRegistry } from '../../../errors/redact.js';
import type { Credentials, CredentialIssuer } from '../../../ports/credentials.js';
import type { SqlClient } from '../../../ports/postgres.js';
import type { Clock } from '../../../runtime/runtime.js';
import type { Scenario } from '../../../scenario/model.js';
import {
  VAULT_DEFAULT_RENEW, formatExpiration, generatePassword, generateUsername, randomAlnum, renderStatement,
  vaultDefaultRevocation, type TemplateVars,
} from './statements.js';
import { directStaticRole } from './direct-static-role.js';

/** Options of {@link createDirectIssuer}. */
export interface DirectIssuerOptions {
  /** Admin connection to the app database (grants apply there). Owned by the caller: close() leaves it open. */
  admin: SqlClient;
  role: Scenario['database']['role'];
  /** The app database, for Vault's default revocation (`REVOKE CONNECT`). */
  database: string;
  clock: Clock;
  secrets: SecretRegistry;
  log?: (line: string) => void;
}

interface Lease {
  id: string;
  username: string;
  /** Run clock ms. */
  issuedAt: number;
  expiresAt: number;
  timer?: NodeJS.Timeout;
}

/** Vault's system default lease TTL (768h), used when a role's TTL is 0. */
const SYSTEM_DEFAULT_TTL_MS = 768 * 3600_000;
/** setTimeout fires at once past 2^31-1 ms, so longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The `direct` issuer: runs the same SQL as Vault's Postgres plugin for a dynamic role, with the same
 * TTL semantics (VALID UNTIL = lease expiry; at expiry the revocation statements run; renewals are
 * capped at issue time + maxTtl). Every operation is serialized: they share one admin connection and
 * each runs in its own transaction.
 */
export function createDirectIssuer(opts: DirectIssuerOptions): CredentialIssuer {
  const { admin, role, clock, secrets } = opts;
  const log = (line: string) => opts.log?.(secrets.redact(line));
  const defaultTtl = role.defaultTtlMs > 0 ? role.defaultTtlMs : SYSTEM_DEFAULT_TTL_MS;
  const maxTtl = role.maxTtlMs > 0 ? role.maxTtlMs : Infinity;
  const renewStatements = role.renewStatements.length > 0 ? role.renewStatements : VAULT_DEFAULT_RENEW;
  const revocationStatements = role.revocationStatements.length > 0
    ? role.revocationStatements : vaultDefaultRevocation(opts.database);
  const leases = new Map<string, Lease>();
  const listeners: ((leaseId: string) => void)[] = [];
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  }

  async function inTransaction(statements: string[], vars: TemplateVars, what: string): Promise<void> {
    let step = 'BEGIN';
    try {
      await admin.query('BEGIN');
      for (const [i, template] of statements.entries()) {
        step = `statement ${i + 1} of ${statements.length}`;
        await admin.query(renderStatement(template, vars));
      }
      step = 'COMMIT';
      await admin.query('COMMIT');
    } catch (err) {
      await admin.query('ROLLBACK').catch(() => undefined);
      const e = err as { code?: string; message?: string };
      // The server may quote the failing SQL back, so the message is redacted (the password is registered).
      throw new ExternalError(secrets.redact(`${what} failed at ${step}: ${e.code ? `${e.code} ` : ''}${e.message ?? String(err)}`),
        { hint: 'check the role statements in the scenario (database.role); they run as the admin user' });
    }
  }

  const staticRole = directStaticRole({ role, clock, secrets, run: inTransaction });

  function arm(lease: Lease): void {
    if (lease.timer) clearTimeout(lease.timer);
    const delay = Math.max(0, lease.expiresAt - clock.now());
    lease.timer = setTimeout(() => {
      if (clock.now() < lease.expiresAt) return arm(lease);
      void serial(() => expire(lease));
    }, Math.min(delay, MAX_TIMER_MS));
    lease.timer.unref();
  }

  async function revokeLease(lease: Lease): Promise<void> {
    await inTransaction(revocationStatements, { name: lease.username }, `revoking ${lease.id}`);
    clearTimeout(lease.timer);
    leases.delete(lease.id);
  }

  async function expire(lease: Lease): Promise<void> {
    if (closed || leases.get(lease.id) !== lease || clock.now() < lease.expiresAt) return;
    try {
      await revokeLease(lease);
    } catch (err) {
      // Left outstanding, so close() tries again.
      log(`lease ${lease.id} expired but its revocation failed: ${(err as Error).message}`);
      return;
    }
    log(`lease ${lease.id} expired: revoked role ${lease.username}`);
    for (const l of listeners) l(lease.id);
  }

  return {
    name: 'direct',
    async setup() {},

    issue() {
      return serial(async (): Promise<Credentials> => {
        if (closed) throw new ExternalError('the direct issuer is closed');
        const username = generateUsername(role.name, clock.wallClock());
        const password = generatePassword();
        secrets.add(password);
        const ttlMs = Math.min(defaultTtl, maxTtl);
        const issuedAt = clock.now();
        const expiration = formatExpiration(new Date(clock.wallClock().getTime() + ttlMs));
        const id = `database/creds/${role.name}/${randomAlnum(24)}`;
        await inTransaction(role.creationStatements, { name: username, password, expiration }, `creating a role for ${id}`);
        const lease: Lease = { id, username, issuedAt, expiresAt: issuedAt + ttlMs };
        leases.set(id, lease);
        arm(lease);
        return { leaseId: id, username, password, issuedAt, ttlMs };
      });
    },

    renew(leaseId, incrementMs) {
      return serial(async () => {
        const lease = leases.get(leaseId);
        if (!lease) throw new ExternalError(`cannot renew ${leaseId}: lease not found (expired or revoked)`);
        const now = clock.now();
        const granted = Math.min(incrementMs > 0 ? incrementMs : defaultTtl, lease.issuedAt + maxTtl - now);
        if (granted <= 0) throw new ExternalError(`cannot renew ${leaseId}: it has reached its max TTL`);
        const expiration = formatExpiration(new Date(clock.wallClock().getTime() + granted));
        await inTransaction(renewStatements, { name: lease.username, expiration }, `renewing ${leaseId}`);
        lease.expiresAt = now + granted;
        arm(lease);
        return granted;
      });
    },

    revoke(leaseId) {
      return serial(async () => {
        const lease = leases.get(leaseId);
        if (lease) await revokeLease(lease);
        if (leaseId === staticRole.id) await staticRole.drop(revocationStatements);
      });
    },

    outstanding: () => [...leases.keys(), ...(staticRole.exists() ? [staticRole.id] : [])],

    staticCredentials() {
      return serial(() => {
        if (closed) throw new ExternalError('the direct issuer is closed');
        return staticRole.credentials();
      });
    },

    rotateStatic: () => serial(() => staticRole.rotate()),

    onExpired(listener) {
      listeners.push(listener);
    },

    close() {
      closed = true;
      for (const lease of leases.values()) clearTimeout(lease.timer);
      return serial(async () => {
        const failed: string[] = [];
        for (const lease of [...leases.values()]) {
          try {
            await revokeLease(lease);
          } catch (err) {
            failed.push(lease.id);
            log((err as Error).message);
          }
        }
        await staticRole.drop(revocationStatements).catch((err: Error) => {
          failed.push(staticRole.id);
          log(err.message);
        });
        if (failed.length > 0) {
          throw new ExternalError(`could not revoke ${failed.length} lease(s): ${failed.join(', ')}`,
            { hint: 'the roles are left in the database; the embedded server is removed at the end of the run anyway' });
        }
      });
    },
  };
}
