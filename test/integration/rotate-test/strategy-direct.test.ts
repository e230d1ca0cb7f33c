import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanAndRedacted, useRunDirs, runVaultctl } from '../../support/cli-harness.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';
import { sqlPlugin } from '../../support/vault-sql-plugin.js';

// Strategy direct (facts file §7): the demo app reads, renews and replaces its own lease through
// Vault. Vault is the HTTP double (stack-facts C shapes) whose database plugin really creates,
// renews (VALID UNTIL) and drops the roles in the run's embedded Postgres.
const dirs = useRunDirs('vaultctl-direct-');
let vault: VaultDouble;
beforeAll(async () => {
  vault = await startVaultDouble({ database: sqlPlugin });
});
afterAll(async () => {
  await vault.close();
});

const env = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, VAULT_ADDR: vault.endpoint, VAULT_TOKEN: vault.token });

/** credentials_issued is recorded when the app's line is read: a moment after Vault issued the lease. */
const LINE_LAG_MS = 300;

describe('strategy direct on the local target', () => {
  it('the app renews, re-reads before max TTL, swaps its pool and revokes the old lease: no rollout, no failed answer', async () => {
    const out = join(dirs.out, 'direct');
    const { code, rt } = await runVaultctl(['rotate-test', 'scenarios/local-direct.yaml', '--out', out], { env: env() });
    expect(code, rt.err()).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    const events = readFileSync(join(out, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const of = (type: string) => events.filter((e) => e.type === type);

    expect(run.analysis.rollouts).toEqual([]);
    expect(of('rollout_started')).toEqual([]);
    expect(of('replica_exited').filter((e) => !e.expected)).toEqual([]);
    expect(run.analysis.baseline.requests).toBeGreaterThan(1000);
    // No request met dead or missing credentials (the demo app answers those with a 503 and the
    // SQLSTATE: 28P01, 42501 after a revoke, no_credentials). On a quiet machine nothing fails at all;
    // on a loaded one, timeouts (and refusals once slow readiness probes empty the Service) can, whatever the strategy.
    const { http_5xx, http_4xx, body_error, other } = run.analysis.baseline.byKind;
    expect({ http_5xx, http_4xx, body_error, other }).toEqual({ http_5xx: 0, http_4xx: 0, body_error: 0, other: 0 });

    // vaultctl configured the engine and issued nothing itself: every lease is a replica's own read.
    const reads = vault.requests.filter((r) => r.method === 'GET' && r.path === 'database/creds/app');
    const issued = of('credentials_issued');
    expect(reads.filter((r) => r.status === 200)).toHaveLength(issued.length);
    // A read Vault failed (two replicas' concurrent GRANTs can meet Postgres's "tuple concurrently
    // updated", as with real Vault: hashicorp/vault#1857) is retried by the app and reported as a warning, never lost.
    const failedReads = reads.filter((r) => r.status !== 200);
    expect(of('warning').filter((e) => /app: read credentials/.test(e.message))).toHaveLength(failedReads.length);
    expect(new Set(issued.map((e) => e.username)).size).toBe(issued.length);
    // Two replicas, each its first lease and one re-read (10 s lease, grace 1 s, max TTL 18 s).
    expect(issued).toHaveLength(4);
    const [first, second] = [issued.slice(0, 2), issued.slice(2)];
    for (const lease of first) {
      const renewed = of('lease_renewed').filter((e) => e.leaseId === lease.leaseId);
      // Renewed at once to the full 10 s, again 7 s later (2/3·10 s + grace/3; later on a loaded
      // machine, then already capped), and given up on a renewal capped to ≤ 4 s = 4×grace
      // (src/strategies/timing.ts lifetimeWatcher; Vault's TTLs are whole seconds).
      const last = renewed[renewed.length - 1];
      expect(renewed.length).toBeGreaterThanOrEqual(3);
      expect(renewed[0].capped).toBe(false);
      expect(renewed[1].t - renewed[0].t).toBeGreaterThanOrEqual(7000 - LINE_LAG_MS);
      expect(last.capped).toBe(true);
      expect(last.ttlMs).toBeLessThanOrEqual(4000);
      expect(renewed.slice(0, -1).every((e) => !e.capped || e.ttlMs > 4000)).toBe(true);
      const swap = of('credentials_reloaded').find((e) => second.some((n) => n.leaseId === e.leaseId) && e.t >= last.t);
      expect(swap).toBeDefined();
      // New credentials and the pool swapped right after that renewal, before max TTL (18 s).
      expect(swap.t - last.t).toBeLessThan(2000);
      expect(swap.t - lease.t).toBeGreaterThanOrEqual(13_000);
      expect(swap.t - lease.t).toBeLessThan(18_000 - 1000);
      // The old lease revoked by the app after the 0.5 s drain, before its max TTL: it never expires.
      const revoked = of('lease_revoked').find((e) => e.leaseId === lease.leaseId);
      expect(revoked.reason).toBe('revoke');
      expect(revoked.t - swap.t).toBeGreaterThanOrEqual(500 - LINE_LAG_MS);
      expect(revoked.t - lease.t).toBeLessThan(18_000);
      expect(of('lease_expired').filter((e) => e.leaseId === lease.leaseId)).toEqual([]);
    }
    // The new leases are renewed by the app too, and revoked by vaultctl's cleanup.
    for (const lease of second) {
      expect(of('lease_renewed').some((e) => e.leaseId === lease.leaseId)).toBe(true);
      expect(of('lease_revoked').find((e) => e.leaseId === lease.leaseId)?.reason).toBe('cleanup');
    }
    expect(vault.state.revoked.sort()).toEqual(issued.map((e) => e.leaseId).sort());
    expect(vault.state.leases.size).toBe(0);
    expectCleanAndRedacted(rt, out, dirs.tmp, [vault.token]);
  });

  it('is refused with exit 3 and the reason without Vault', async () => {
    const file = join(dirs.tmp, 'direct-no-vault.yaml');
    writeFileSync(file, readFileSync('scenarios/local-direct.yaml', 'utf8').replace('issuer: vault', 'issuer: direct'));
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', join(dirs.out, 'refused')], { env: env() });
    expect(code, rt.err()).toBe(3);
    expect(rt.err()).toContain('strategy direct needs Vault');
    expect(rt.err()).toContain('credentials.issuer: vault');
    expect(rt.err()).not.toContain('Starting embedded Postgres');
  });
});
