import { describe, expect, it } from 'vitest';
import { carrierPicksUpAt, nextCredentialsAt, schedule, STATIC_ROLE_DEFAULTS, STATIC_ROLE_FACTS } from '../../../src/strategies/static-role.js';
import { overlaps } from '../../../src/strategies/timing.js';
import { HOUR, MIN, minutesOf } from './helpers.js';

// Facts file §8: rotation every rotation_period, in place (same user), no lease; VSO re-reads at
// ttl + 0.5 s + jitter [VSO controller]; the agent sleeps ttl + 1 s [CT vault_common.go L141-157]; ESO at
// its refreshInterval. stack-facts §C: rotation_period minimum 5 s. §0.1: old password dies at once for new logins.
describe('static-role timing', () => {
  it('rotates every rotation_period and refuses one below 5 s', () => {
    expect(nextCredentialsAt(10 * MIN, 0, 0, STATIC_ROLE_DEFAULTS)).toBe(70 * MIN);
    expect(() => nextCredentialsAt(0, 0, 0, { ...STATIC_ROLE_DEFAULTS, rotationPeriodMs: 4_999 })).toThrow(/at least 5000/);
  });

  it('is picked up by VSO 0.5 s + [0, 150 ms) after the rotation, by the agent 1 s after', () => {
    expect(carrierPicksUpAt(HOUR, STATIC_ROLE_DEFAULTS, 0, () => 0)).toBe(HOUR + 500);
    expect(carrierPicksUpAt(HOUR, STATIC_ROLE_DEFAULTS, 0, () => 0.999_999)).toBeLessThan(HOUR + 650);
    expect(carrierPicksUpAt(HOUR, { ...STATIC_ROLE_DEFAULTS, carrier: 'agent-template' })).toBe(HOUR + 1_000);
  });

  it('is picked up by ESO only at its next refresh: a 90 min rotation with 1 h refreshes is seen at 120 min', () => {
    const eso = { ...STATIC_ROLE_DEFAULTS, carrier: 'secret-sync-restart' as const };
    expect(carrierPicksUpAt(90 * MIN, eso, 0)).toBe(120 * MIN);
    expect(carrierPicksUpAt(120 * MIN, eso, 0)).toBe(120 * MIN);
  });

  it('schedules rotations and pickups, with no lease and so no overlap', () => {
    const ev = schedule({ issuedAtMs: 0, leaseMs: 0, maxTtlMs: 0 }, 150 * MIN, STATIC_ROLE_DEFAULTS, () => 0);
    expect(minutesOf(ev, 'password-rotated')).toEqual([0, 60, 120]);
    expect(ev.filter((e) => e.kind === 'pickup').map((e) => e.atMs)).toEqual([HOUR + 500, 2 * HOUR + 500]);
    expect(overlaps(ev)).toEqual([]);
  });

  it('records the facts: no lease, shared credentials, rotation_period has no upstream default', () => {
    expect(STATIC_ROLE_FACTS).toMatchObject({ oldLease: ['no-lease'], perReplicaCredentials: false, newCredentials: { trigger: 'rotation-period' } });
    expect(STATIC_ROLE_FACTS.parameters.find((p) => p.name === 'rotationPeriodMs')?.upstreamDefault).toBe('required');
  });
});
