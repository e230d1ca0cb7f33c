import { describe, expect, it } from 'vitest';
import {
  AGENT_TEMPLATE_DEFAULTS, AGENT_TEMPLATE_FACTS, nextCredentialsAt, revokedAfterStopAt, schedule,
} from '../../../src/strategies/agent-template.js';
import { lifetimeWatcher, overlaps } from '../../../src/strategies/timing.js';
import { HOUR, MIN, minutesOf, seeded } from './helpers.js';

// Facts file §2 "Renewal" [CT dependency/vault_read.go L78-96, VLT api/lifetime_watcher.go]: renew now,
// sleep 2/3·remaining + grace/3 (grace 10–20 % of the lease), re-fetch when remaining ≤ 4·grace (only
// once max TTL caps renewals); the old lease is not revoked. §2 annotations: revoke-on-shutdown, grace 5 s.
describe('agent-template timing', () => {
  it('re-fetches when remaining ≤ 4×grace: 1 h lease, 3 h max TTL, grace 6 min → at 164 min, 16 min before max TTL', () => {
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, AGENT_TEMPLATE_DEFAULTS, () => 0)).toBe(164 * MIN);
    const ev = schedule({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR }, 3 * HOUR, AGENT_TEMPLATE_DEFAULTS, () => 0);
    expect(minutesOf(ev, 'renew', 0)).toEqual([0, 42, 84]);
    expect(minutesOf(ev, 'renew-truncated', 0)).toEqual([126, 164]);
    expect(minutesOf(ev, 'issue')).toEqual([0, 164]);
    expect(minutesOf(ev, 'pickup')).toEqual([164]);
    expect(minutesOf(ev, 'lease-expires', 0)).toEqual([180]);
    expect(overlaps(ev)).toEqual([{ lease: 0, overlapMs: 16 * MIN }]);
  });

  it('with grace near 20 % (11.994 min) sleeps 44 min per renewal and re-fetches at ≈168 min, 12 min before max TTL', () => {
    // Renewals at 0, 44, 88, 132 (48.006 min left > 4×grace 47.976), 168 (12.004 min left): it returns.
    const at = nextCredentialsAt(0, HOUR, 3 * HOUR, AGENT_TEMPLATE_DEFAULTS, () => 0.999)!;
    expect(at / MIN).toBeCloseTo(167.996, 6);
    expect(3 * HOUR - at).toBeLessThanOrEqual(4 * 11.994 * MIN);
  });

  it('keeps renewing (no new credentials) for as long as max TTL does not cap: the overlap is ≤ 4×grace', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const rand = seeded(seed);
      const maxTtlMs = HOUR * (2 + rand() * 100);
      const run = lifetimeWatcher({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs }, seeded(seed));
      const at = nextCredentialsAt(0, HOUR, maxTtlMs, AGENT_TEMPLATE_DEFAULTS, seeded(seed))!;
      expect(at).toBe(run.doneAtMs);
      expect(maxTtlMs - at).toBeLessThanOrEqual(4 * run.graceMs + 1e-6);
      expect(maxTtlMs - at).toBeGreaterThan(0);
    }
  });

  it('with agent-pre-populate-only nobody renews: no new credentials, the lease dies at default TTL', () => {
    const params = { ...AGENT_TEMPLATE_DEFAULTS, prePopulateOnly: true };
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, params)).toBeNull();
    const ev = schedule({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR }, 3 * HOUR, params);
    expect(ev.map((e) => `${e.atMs / MIN}:${e.kind}`)).toEqual(['0:issue', '60:lease-expires']);
  });

  it('revokes a stopping pod\'s leases agent-revoke-grace (5 s) into termination with revoke-on-shutdown, else never', () => {
    expect(revokedAfterStopAt(10_000, AGENT_TEMPLATE_DEFAULTS)).toBeNull();
    expect(revokedAfterStopAt(10_000, { ...AGENT_TEMPLATE_DEFAULTS, revokeOnShutdown: true })).toBe(15_000);
  });

  it('records the facts: reread by default, signal or restart, per-replica credentials, old lease expires', () => {
    expect(AGENT_TEMPLATE_FACTS).toMatchObject({
      pickups: ['reread', 'signal', 'restart'], oldLease: ['expires', 'revoked-on-shutdown'], perReplicaCredentials: true,
      newCredentials: { trigger: 'lifetime-watcher-done' },
    });
    expect(AGENT_TEMPLATE_FACTS.unverified.join(' ')).toMatch(/4×grace is arithmetic/);
  });
});
