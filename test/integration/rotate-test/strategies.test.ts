import { describe, expect, it } from 'vitest';
import { useRunDirs } from '../../support/cli-harness.js';
import { failureTimes, runScenario } from './strategy-run.js';

// The delivery strategies of issue 11 on real Postgres and real replica processes: each run's
// failure profile is the one ../shared/reference/delivery-strategies.md predicts (§6, §2).
// secret-sync-restart is today's behaviour, covered by local-scenarios.test.ts.
const dirs = useRunDirs('vaultctl-strategies-');

/** How much earlier than its failure a request may have started: a query of a few ms plus a bin. */
const IN_FLIGHT_MS = 100;

/** credentials_issued is recorded once the issuer answered; the lease's clock (and the schedule) starts when it was issued. */
const EVENT_LAG_MS = 50;

describe('delivery strategies on the local target', () => {
  it('init-renewer: renewals until max TTL, no new credentials, then 28P01 — and no failure before', async () => {
    const r = await runScenario(dirs, 'local-init-renewer');
    expect(r.code, r.rt.err()).toBe(0);
    const issued = r.events.filter((e) => e.type === 'credentials_issued');
    expect(issued).toHaveLength(1);
    const renewed = r.events.filter((e) => e.type === 'lease_renewed');
    // 6 s lease, renewEvery 2 s, max TTL 15 s: renewed at 4 s and 8 s, capped at 12 s (src/strategies/init-renewer.ts).
    expect(renewed.map((e) => [e.leaseId, e.capped])).toEqual([[issued[0].leaseId, false], [issued[0].leaseId, false], [issued[0].leaseId, true]]);
    // Planned from the lease's issue time, which is a moment before its credentials_issued event.
    [4000, 8000, 12_000].forEach((planned, i) => {
      expect(renewed[i].t - issued[0].t).toBeGreaterThanOrEqual(planned - EVENT_LAG_MS);
      expect(renewed[i].t - issued[0].t).toBeLessThan(planned + 1000);
    });
    const expired = r.events.find((e) => e.type === 'lease_expired' && e.leaseId === issued[0].leaseId);
    expect(expired.t - issued[0].t).toBeGreaterThanOrEqual(15_000 - 50);
    expect(r.events.filter((e) => e.type === 'rollout_started')).toEqual([]);
    const failures = failureTimes(r.timeline);
    expect(failures.length).toBeGreaterThan(0);
    expect(Math.min(...failures)).toBeGreaterThanOrEqual(issued[0].t + 15_000 - IN_FLIGHT_MS);
    expect(Object.keys(r.baseline.byCause).some((c) => c.includes('28P01'))).toBe(true);
  });

  it('agent-template + signal: renewals and a re-fetch near max TTL, no rollout, no failed request', async () => {
    const r = await runScenario(dirs, 'local-agent-template');
    expect(r.code, r.rt.err()).toBe(0);
    expect(r.rollouts).toEqual([]);
    expect(r.events.filter((e) => e.type === 'rollout_started')).toEqual([]);
    expect(r.baseline.requests).toBeGreaterThan(1000);
    expect(r.baseline.failures).toBe(0);
    const issued = r.events.filter((e) => e.type === 'credentials_issued');
    expect(issued.length).toBeGreaterThanOrEqual(2);
    // Re-fetched 12.6 s after the first issue (grace 0.6 s of the 6 s lease; max TTL 15 s), before the old lease died.
    const refetch = r.events.find((e) => e.type === 'rotation_triggered' && e.trigger === 'expiry');
    expect(refetch.t - issued[0].t).toBeGreaterThanOrEqual(12_600 - EVENT_LAG_MS);
    expect(refetch.t - issued[0].t).toBeLessThan(13_600);
    const reloaded = r.events.find((e) => e.type === 'credentials_reloaded' && e.leaseId === issued[1].leaseId);
    expect(reloaded.replicas).toBe(2);
    const renewed = r.events.filter((e) => e.type === 'lease_renewed');
    expect(renewed.filter((e) => e.leaseId === issued[0].leaseId).length).toBeGreaterThanOrEqual(4);
    expect(renewed.filter((e) => e.leaseId === issued[0].leaseId && e.capped)).toHaveLength(1);
    expect(renewed.some((e) => e.leaseId === issued[1].leaseId)).toBe(true);
    // The old lease expired unrevoked at max TTL, after the replicas had moved on.
    const expired = r.events.find((e) => e.type === 'lease_expired' && e.leaseId === issued[0].leaseId);
    expect(expired.t).toBeGreaterThan(reloaded.t);
  });
});
