import { describe, expect, it } from 'vitest';
import { overlaps } from '../../../src/strategies/timing.js';
import { nextCredentialsAt, schedule, VSO_DEFAULTS, VSO_FACTS, vsoRenewalDelayMs } from '../../../src/strategies/vso.js';
import { HOUR, MIN, minutesOf, seeded } from './helpers.js';

// Facts file §0.3 and §1 "Renewal and truncation": horizon = lease×renewalPercent/100 + 10 % − rand[0,10 %)
// [VSO controllers/common.go L112-121]; new creds only when a renewal comes back truncated by max TTL
// [vaultdynamicsecret_controller.go L292-409]; the old lease is not revoked, overlap ≈0.23–1×default_ttl.
describe('vso timing', () => {
  it('renews a 1 h lease between 40.2 and 46.2 min (67–77 % with the default renewalPercent 67)', () => {
    expect(VSO_DEFAULTS.renewalPercent).toBe(67);
    expect(vsoRenewalDelayMs(HOUR, 67, () => 0) / MIN).toBeCloseTo(46.2, 9);
    expect(vsoRenewalDelayMs(HOUR, 67, () => 0.5) / MIN).toBeCloseTo(43.2, 9);
    expect(vsoRenewalDelayMs(HOUR, 67, () => 0.999_999) / MIN).toBeGreaterThan(40.2);
    expect(vsoRenewalDelayMs(HOUR, 67, () => 0.999_999) / MIN).toBeLessThan(40.21);
  });

  it('caps renewalPercent to 0–90', () => {
    expect(vsoRenewalDelayMs(HOUR, 95, () => 0)).toBe(vsoRenewalDelayMs(HOUR, 90, () => 0));
    expect(vsoRenewalDelayMs(HOUR, 95, () => 0) / MIN).toBeCloseTo(60, 9);
    expect(vsoRenewalDelayMs(HOUR, -5, () => 0) / MIN).toBeCloseTo(6, 9);
  });

  it('brings new credentials at the first truncated renewal, not at each renewal (1 h lease, 3 h max TTL)', () => {
    // Renewals at 46.2 and 92.4 min are full; at 138.6 min only 41.4 min are left to max TTL < 60: truncated.
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, VSO_DEFAULTS, () => 0) / MIN).toBeCloseTo(138.6, 9);
    const ev = schedule({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR }, 4 * HOUR, VSO_DEFAULTS, () => 0);
    expect(minutesOf(ev, 'renew', 0)).toEqual([46.2, 92.4]);
    expect(minutesOf(ev, 'renew-truncated')).toEqual([138.6]);
    expect(minutesOf(ev, 'issue')).toEqual([0, 138.6]);
    expect(minutesOf(ev, 'pickup')).toEqual([138.6]);
    expect(minutesOf(ev, 'lease-expires')).toEqual([180]);
    expect(minutesOf(ev, 'renew', 1)).toEqual([184.8, 231]);
    expect(overlaps(ev).map((o) => Math.round(o.overlapMs / 6_000) / 10)).toEqual([41.4]);
  });

  it('rotates near max TTL: a 1 h lease with a 24 h max TTL gets new credentials between 23 h and 23.77 h', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const at = nextCredentialsAt(0, HOUR, 24 * HOUR, VSO_DEFAULTS, seeded(seed));
      expect(at).toBeGreaterThan(23 * HOUR);
      expect(at).toBeLessThanOrEqual(23.77 * HOUR + 1e-6);
    }
  });

  it('leaves an overlap of 0.23–1×default_ttl between new credentials and the old lease expiring', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = seeded(seed);
      const leaseMs = (1 + Math.floor(rand() * 120)) * MIN;
      const maxTtlMs = leaseMs * (1 + rand() * 40);
      const ev = schedule({ issuedAtMs: 0, leaseMs, maxTtlMs }, maxTtlMs, VSO_DEFAULTS, rand);
      const [first] = overlaps(ev);
      expect(first.overlapMs / leaseMs).toBeGreaterThanOrEqual(0.23 - 1e-9);
      expect(first.overlapMs / leaseMs).toBeLessThan(1);
    }
  });

  it('issues at once again when the lease is already capped by max TTL (renewal truncated at the first horizon)', () => {
    expect(nextCredentialsAt(0, HOUR, 30 * MIN, VSO_DEFAULTS, () => 0) / MIN).toBeCloseTo(23.1, 9);
  });

  it('records the facts: restart pickup, old lease expires (revoked only on delete), shared credentials', () => {
    expect(VSO_FACTS).toMatchObject({ pickups: ['restart'], oldLease: ['expires', 'revoked-on-delete'], perReplicaCredentials: false, needsVault: false });
    expect(VSO_FACTS.sources.some((s) => s.ref.includes('controllers/common.go L112-121'))).toBe(true);
  });
});
