import { describe, expect, it } from 'vitest';
import { afterRenewal, watcherStart } from '../../../src/demo-app/vault-lease.js';
import { SecretRegistry } from '../../../src/errors/redact.js';
import { PrerequisiteError } from '../../../src/errors/errors.js';
import type { CredentialIssuer } from '../../../src/ports/credentials.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import { lifetimeWatcher } from '../../../src/strategies/timing.js';
import { requireVaultForDirect } from '../../../src/targets/local/strategies/direct.js';
import { appLeaseReader } from '../../../src/targets/local/strategies/direct-app-leases.js';
import { workloadEnv } from '../../../src/targets/local/workload-env.js';

const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: s}\nload: {duration: 30s}\n';
const scenario = (yaml: string) => parseScenario(`${HEAD}${yaml}`, 's.yaml');
const PG = { host: '127.0.0.1', port: 5432, database: 'postgres', adminUser: 'a', adminPassword: 'secret-admin' };

/** The demo app's watcher loop against a Vault that grants min(lease, what is left of max TTL). */
function appWatcher(leaseMs: number, maxTtlMs: number): { renewals: number[]; doneAtMs: number } {
  const first = Math.min(leaseMs, maxTtlMs);
  const st = watcherStart(first);
  const renewals: number[] = [];
  for (let t = 0; ;) {
    const remaining = Math.min(leaseMs, maxTtlMs - t);
    if (remaining <= 0) return { renewals, doneAtMs: t };
    renewals.push(t);
    const sleep = afterRenewal(st, remaining);
    if (sleep === null) return { renewals, doneAtMs: t };
    t += sleep;
  }
}

describe('strategy direct: the demo app\'s LifetimeWatcher', () => {
  it.each([[6000, 15_000], [10_000, 18_000], [3_600_000, 86_400_000], [60_000, 60_000], [5000, 1_000_000]])(
    'renews and gives up when src/strategies/timing.ts lifetimeWatcher does (lease %i ms, max TTL %i ms)', (leaseMs, maxTtlMs) => {
      const model = lifetimeWatcher({ issuedAtMs: 0, leaseMs, maxTtlMs });
      const app = appWatcher(leaseMs, maxTtlMs);
      expect(app.renewals).toEqual(model.renewals.map((r) => r.atMs));
      expect(app.doneAtMs).toBe(model.doneAtMs);
    });

  it('gives up on a renewal capped to 4 s of a 10 s lease (4×grace), not on one capped to 5 s', () => {
    expect(afterRenewal(watcherStart(10_000), 4000)).toBeNull();
    expect(afterRenewal(watcherStart(10_000), 5000)).toBeCloseTo(5000 * (2 / 3) + 1000 / 3);
  });
});

function fakeIssuer() {
  const calls: string[] = [];
  const issuer = {
    name: 'vault',
    adopt: (id: string, ttl: number) => calls.push(`adopt ${id} ${ttl}`),
    revoke: async (id: string) => { calls.push(`revoke ${id}`); },
    release: (id: string) => calls.push(`release ${id}`),
  } as unknown as CredentialIssuer;
  return { issuer, calls };
}

describe('strategy direct: what the app reports', () => {
  it('turns the app\'s vault_* lines into events and lease tracking, across split chunks', () => {
    const events: RunEvent[] = [];
    const { issuer, calls } = fakeIssuer();
    const secrets = new SecretRegistry();
    secrets.add('tok-very-secret');
    const reader = appLeaseReader({ events: { emit: (e) => events.push(e) }, now: () => 42, secrets }, issuer);
    const lines = [
      '{"event":"listening","port":1}',
      'not json at all "vault_"',
      '{"event":"vault_credentials_issued","leaseId":"db/creds/app/a","username":"v-a","ttlMs":10000,"password":"never"}',
      '{"event":"vault_lease_renewed","leaseId":"db/creds/app/a","ttlMs":4000,"capped":true}',
      '{"event":"vault_pool_swapped","leaseId":"db/creds/app/b"}',
      '{"event":"vault_lease_revoked","leaseId":"db/creds/app/a"}',
      '{"event":"vault_error","step":"renew","message":"403 tok-very-secret"}',
      '{"event":"vault_unknown","leaseId":"x"}',
    ].join('\n');
    reader.read('r1', lines.slice(0, 100));
    reader.read('r2', '{"event":"vault_lease_revoked","leaseId":"other"'); // no newline yet: nothing
    reader.read('r1', `${lines.slice(100)}\n`);
    expect(events).toEqual([
      { t: 42, type: 'credentials_issued', leaseId: 'db/creds/app/a', username: 'v-a', ttlMs: 10_000, issuer: 'vault' },
      { t: 42, type: 'lease_renewed', leaseId: 'db/creds/app/a', ttlMs: 4000, capped: true },
      { t: 42, type: 'credentials_reloaded', leaseId: 'db/creds/app/b', replicas: 1 },
      { t: 42, type: 'lease_revoked', leaseId: 'db/creds/app/a', reason: 'revoke' },
      { t: 42, type: 'warning', message: 'app: renew: 403 ***' },
    ]);
    expect(calls).toEqual(['adopt db/creds/app/a 10000', 'adopt db/creds/app/a 4000', 'release db/creds/app/a']);
    expect(JSON.stringify(events)).not.toContain('never');
  });
});

describe('strategy direct: rotations.revoke', () => {
  it('revokes the lease each replica uses now, and only those', async () => {
    const events: RunEvent[] = [];
    const { issuer, calls } = fakeIssuer();
    const reader = appLeaseReader({ events: { emit: (e) => events.push(e) }, now: () => 7, secrets: new SecretRegistry() }, issuer);
    const issued = (id: string) => `{"event":"vault_credentials_issued","leaseId":"${id}","username":"u","ttlMs":1000}\n`;
    reader.read('r1', issued('old-1') + issued('new-1'));
    reader.read('r2', issued('only-2'));
    calls.length = 0;
    events.length = 0;
    await reader.revokeCurrent();
    expect(calls).toEqual(['revoke new-1', 'revoke only-2']);
    expect(events).toEqual([
      { t: 7, type: 'rotation_triggered', trigger: 'revoke', leaseId: 'new-1' }, { t: 7, type: 'lease_revoked', leaseId: 'new-1', reason: 'revoke' },
      { t: 7, type: 'rotation_triggered', trigger: 'revoke', leaseId: 'only-2' }, { t: 7, type: 'lease_revoked', leaseId: 'only-2', reason: 'revoke' },
    ]);
  });
});

describe('strategy direct: prerequisites and the app\'s environment', () => {
  it('is refused with exit 3, the reason and a hint when the issuer is not vault', () => {
    const s = scenario('delivery: {strategy: direct}\n');
    let err: unknown;
    try {
      requireVaultForDirect(s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PrerequisiteError);
    expect((err as PrerequisiteError).exitCode).toBe(3);
    expect((err as Error).message).toContain('strategy direct needs Vault');
    expect((err as PrerequisiteError).hint).toContain('credentials.issuer: vault');
    expect(() => requireVaultForDirect(scenario('credentials: {issuer: vault}\ndelivery: {strategy: direct}\n'))).not.toThrow();
    expect(() => requireVaultForDirect(scenario('delivery: {strategy: init-renewer}\n'))).not.toThrow();
  });

  it('refuses direct\'s keys on another strategy, at their line', () => {
    expect(() => scenario('delivery: {strategy: init-renewer, revokeAfter: 1s}\n'))
      .toThrow(/revokeAfter belongs to strategy direct, not init-renewer/);
    expect(() => scenario('delivery: {revokeOldLease: false}\n')).toThrow(/revokeOldLease needs delivery.strategy: direct/);
  });

  it('gives the app Vault\'s address, token, creds path and revoke settings; workload.env wins', () => {
    const vault = { endpoint: 'http://127.0.0.1:8200', token: 'root-tok' };
    const s = scenario('credentials: {issuer: vault, vault: {mount: /dbs/}}\ndatabase: {role: {name: app}}\n' +
      'delivery: {strategy: direct, revokeOldLease: false, revokeAfter: 2s}\nworkload: {env: {VAULT_ADDR: http://elsewhere}}\n');
    expect(workloadEnv(s, PG, vault)).toMatchObject({
      VAULT_ADDR: 'http://elsewhere', VAULT_TOKEN: 'root-tok', VAULT_CREDS_PATH: 'dbs/creds/app',
      VAULT_REVOKE_OLD_LEASE: '0', VAULT_REVOKE_AFTER_MS: '2000',
    });
    const defaults = workloadEnv(scenario('credentials: {issuer: vault}\ndelivery: {strategy: direct}\n'), PG, vault);
    expect(defaults).toMatchObject({ VAULT_CREDS_PATH: 'database/creds/app', VAULT_REVOKE_OLD_LEASE: '1', VAULT_REVOKE_AFTER_MS: '5000' });
    expect(workloadEnv(scenario(''), PG)).not.toHaveProperty('VAULT_TOKEN');
  });
});
