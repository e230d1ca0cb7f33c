import { describe, expect, it } from 'vitest';
import { useRunDirs } from '../../support/cli-harness.js';
import { runScenario } from './strategy-run.js';

// vso on real Postgres and real replica processes: the profile ../shared/reference/delivery-strategies.md
// §1 and §0.3 predict (renewals at the horizon, new credentials only when max TTL cuts a renewal
// short, the replaced lease left to expire), timed by src/strategies/vso.ts without jitter.
const dirs = useRunDirs('vaultctl-strategy-vso-');

/**
 * Events are recorded once the issuer answered, the schedule counts from the issue itself: the SQL
 * of an issue or renewal may take this long on a busy machine (timers only ever fire late).
 */
const EVENT_LAG_MS = 1500;
const TIMER_LATE_MS = 1500;

describe('vso on the local target', () => {
  it('renews at 77 % of the lease, rolls once near max TTL (not per renewal), the old lease outlives the rollout, nothing fails', { timeout: 120_000 }, async () => {
    const { code, rt, events, rollouts, baseline } = await runScenario(dirs, 'local-vso');
    expect(code, rt.err()).toBe(0);
    const of = (type: string) => events.filter((e) => e.type === type);

    const issued = of('credentials_issued');
    expect(issued).toHaveLength(2);
    const t0 = issued[0].t;
    // 8 s lease, max TTL 20 s: renewed at 6.16 s, cut short (7.68 s left) at 12.32 s, which brings
    // lease 1; lease 1 renewed in full at 18.48 s (src/strategies/vso.ts vsoRenewalDelayMs).
    const renewed = of('lease_renewed');
    expect(renewed.map((e) => [e.leaseId, e.capped])).toEqual([
      [issued[0].leaseId, false], [issued[0].leaseId, true], [issued[1].leaseId, false],
    ]);
    [6160, 12_320, 18_480].forEach((planned, i) => {
      expect(renewed[i].t - t0).toBeGreaterThanOrEqual(planned - EVENT_LAG_MS);
      expect(renewed[i].t - t0).toBeLessThan(planned + TIMER_LATE_MS);
    });
    expect(issued[1].t - renewed[1].t).toBeGreaterThanOrEqual(0);
    expect(issued[1].t - renewed[1].t).toBeLessThan(TIMER_LATE_MS);

    // One rolling restart, for the new credentials; the full renewals rolled nothing.
    const started = of('rollout_started');
    expect(started.map((e) => e.trigger)).toEqual(['expiry']);
    expect(started[0].t).toBeGreaterThanOrEqual(issued[1].t);
    const completed = of('rollout_completed');
    expect(completed).toHaveLength(1);

    // Overlap: the old lease is not revoked; it expires at its max TTL, after the rollout completed.
    const old = issued[0].leaseId;
    expect(events.filter((e) => e.type === 'lease_revoked' && e.leaseId === old && e.reason === 'revoke')).toEqual([]);
    const expired = events.find((e) => e.type === 'lease_expired' && e.leaseId === old);
    expect(expired.t - t0).toBeGreaterThanOrEqual(20_000 - EVENT_LAG_MS);
    expect(expired.t).toBeGreaterThan(completed[0].t);

    expect(rollouts).toHaveLength(1);
    expect(rollouts[0].requests).toBeGreaterThan(200);
    expect(baseline.requests).toBeGreaterThan(1000);
    expect(rollouts[0].failures, JSON.stringify(rollouts[0].byCause)).toBe(0);
    expect(baseline.failures, JSON.stringify(baseline.byCause)).toBe(0);
  });
});
