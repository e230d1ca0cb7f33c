import { describe, expect, it } from 'vitest';
import { chainSchedule, lifetimeWatcher, liveLeasesAt, overlaps, watcherGraceMs } from '../../../src/strategies/timing.js';
import { HOUR, MIN, seeded } from './helpers.js';

// Facts file §2 "Renewal": Vault's LifetimeWatcher renews now, then sleeps 2/3·remaining + grace/3
// (grace = 10–20 % of the lease) and stops when remaining ≤ 4·grace [VLT api/lifetime_watcher.go].
describe('Vault LifetimeWatcher model', () => {
  it('takes a grace of 10–20 % of the lease (10 % + rand·10 %), based on the increment when smaller', () => {
    expect(watcherGraceMs(HOUR, 0, () => 0)).toBe(6 * MIN);
    expect(watcherGraceMs(HOUR, 0, () => 0.5)).toBe(9 * MIN);
    expect(watcherGraceMs(HOUR, 0, () => 0.999_999)).toBeLessThan(12 * MIN);
    expect(watcherGraceMs(HOUR, 30 * MIN, () => 0)).toBe(3 * MIN);
    expect(watcherGraceMs(0, 0, () => 0.5)).toBe(0);
  });

  it('renews at once and every 2/3·remaining + grace/3, then gives up when remaining ≤ 4×grace (1 h lease, 3 h max TTL)', () => {
    const run = lifetimeWatcher({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR }, () => 0);
    // grace 6 min: sleeps 40 + 2 = 42 min while the lease is 60 min; capped at 126 min (54 min left,
    // sleep 36 + 2), renewed at 164 min with 16 min left ≤ 4×6: it returns.
    expect(run.graceMs).toBe(6 * MIN);
    expect(run.renewals.map((r) => r.atMs / MIN)).toEqual([0, 42, 84, 126, 164]);
    expect(run.renewals.map((r) => r.truncated)).toEqual([false, false, false, true, true]);
    expect(run.renewals.map((r) => r.remainingMs / MIN)).toEqual([60, 60, 60, 54, 16]);
    expect(run.doneAtMs).toBe(164 * MIN);
    expect(run.leaseEndsAtMs).toBe(3 * HOUR);
  });

  it('never gives up while renewals are not capped, and always stops within 4×grace of max TTL', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = seeded(seed);
      const leaseMs = (5 + Math.floor(rand() * 120)) * MIN;
      const maxTtlMs = leaseMs * (1 + rand() * 30);
      const run = lifetimeWatcher({ issuedAtMs: 1000, leaseMs, maxTtlMs }, rand);
      const left = run.leaseEndsAtMs - run.doneAtMs;
      expect(run.leaseEndsAtMs).toBeCloseTo(1000 + maxTtlMs, 3);
      expect(left).toBeLessThanOrEqual(4 * run.graceMs + 1e-6);
      expect(left).toBeGreaterThan(0);
      expect(run.renewals.filter((r) => !r.truncated).every((r) => r.remainingMs === leaseMs)).toBe(true);
    }
  });
});

describe('chainSchedule, overlaps and live leases', () => {
  const step = (c: { issuedAtMs: number }) => ({
    events: [{ atMs: c.issuedAtMs + 30, kind: 'lease-expires' as const }],
    next: { atMs: c.issuedAtMs + 20, pickupAtMs: c.issuedAtMs + 25 },
  });

  it('numbers the leases, adds pickups, stops at the horizon and sorts by time', () => {
    const ev = chainSchedule({ issuedAtMs: 0, leaseMs: 30, maxTtlMs: 30 }, 45, step);
    expect(ev.map((e) => `${e.atMs}:${e.kind}:${e.lease}`)).toEqual([
      '0:issue:0', '20:issue:1', '25:pickup:1', '30:lease-expires:0', '40:issue:2', '45:pickup:2']);
    expect(overlaps(ev)).toEqual([{ lease: 0, overlapMs: 10 }]);
    expect(liveLeasesAt(ev, 25)).toBe(2);
    expect(liveLeasesAt(ev, 30)).toBe(1);
  });

  it('refuses a chain whose next credentials do not come later', () => {
    expect(() => chainSchedule({ issuedAtMs: 0, leaseMs: 1, maxTtlMs: 1 }, 10, () => ({ events: [], next: { atMs: 0, pickupAtMs: 0 } })))
      .toThrow(/must come after/);
  });
});
