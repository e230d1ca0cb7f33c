import { describe, expect, it } from 'vitest';
import { useRunDirs } from '../../support/cli-harness.js';
import { failureTimes, runScenario } from './strategy-run.js';

// static-role on real Postgres and real replica processes: the profile ../shared/reference/
// delivery-strategies.md §8 and §0.1 predict. One database user; its password rotated in place
// every 10 s; ESO (refresh 6 s) carries it at the first tick at or after the rotation (12 s), then
// the replicas roll. New logins with the old password fail (28P01) from the rotation until the
// rollout has replaced the old replicas, and at no other time.
const dirs = useRunDirs('vaultctl-strategy-static-');


/** How much earlier than its failure a request may have started: a login of a few ms plus a bin. */
const IN_FLIGHT_MS = 100;
/** Events are recorded once the issuer answered (its SQL may be slow on a busy machine); timers only fire late. */
const EVENT_LAG_MS = 1500;
const TIMER_LATE_MS = 1500;

describe('static-role on the local target', () => {
  it('one username throughout, the password rotated in place, 28P01 for new logins only between rotation and pickup', { timeout: 120_000 }, async () => {
    // runScenario checks that no password (the first or a rotated one) is in any file, event or output line.
    const { code, rt, events, timeline } = await runScenario(dirs, 'local-static-role');
    expect(code, rt.err()).toBe(0);
    const of = (type: string) => events.filter((e) => e.type === type);

    // One user, created once; static creds have no lease, so nothing is renewed or expires.
    const issued = of('credentials_issued');
    expect(issued).toHaveLength(1);
    const { username, t: t0 } = issued[0];
    expect(of('lease_renewed')).toEqual([]);
    expect(of('lease_expired')).toEqual([]);
    const rotated = of('password_rotated');
    expect(rotated).toHaveLength(1);
    expect(rotated[0].username).toBe(username);
    expect(rotated[0].t - t0).toBeGreaterThanOrEqual(10_000 - EVENT_LAG_MS);
    expect(rotated[0].t - t0).toBeLessThan(10_000 + TIMER_LATE_MS);

    // The ESO tick at 6 s finds nothing new: no rollout; the one at 12 s delivers, by one rollout.
    const started = of('rollout_started');
    expect(started.map((e) => e.trigger)).toEqual(['refresh']);
    expect(started[0].t - t0).toBeGreaterThanOrEqual(12_000 - EVENT_LAG_MS);
    expect(started[0].t - t0).toBeLessThan(12_000 + TIMER_LATE_MS);
    expect(started[0].t).toBeGreaterThan(rotated[0].t);
    const completed = of('rollout_completed');
    expect(completed).toHaveLength(1);

    // The old password fails new logins from the rotation on, before the carrier picks it up ...
    const login28P01 = timeline.causes.filter(([, , cause]) => cause === '28P01').map(([bin]) => bin * timeline.binMs);
    expect(login28P01.filter((t) => t >= rotated[0].t - IN_FLIGHT_MS && t < started[0].t).length).toBeGreaterThan(0);
    // ... and no request fails outside [rotation, rollout completed]: open sessions survived, new replicas log in.
    const failures = failureTimes(timeline);
    expect(failures.length).toBeGreaterThan(0);
    expect(Math.min(...failures)).toBeGreaterThanOrEqual(rotated[0].t - IN_FLIGHT_MS);
    expect(Math.max(...failures)).toBeLessThanOrEqual(completed[0].t + IN_FLIGHT_MS);
    expect(events.some((e) => e.type === 'database_errors' && e.code === '28P01')).toBe(true);
  });
});
