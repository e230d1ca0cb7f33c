import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/ports/credentials.js';
import type { RotationTrigger } from '../../../src/ports/events.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import { strategy } from '../../../src/strategies/index.js';
import { planRotations } from '../../../src/targets/rotation-schedule.js';
import type { DriverPickup, RotationDriver } from '../../../src/targets/local/rotation-driver.js';
import { machineFor } from '../../../src/targets/local/strategies/index.js';
import { leaseClock } from '../../../src/targets/local/strategies/machine.js';
import { NO_JITTER } from '../../../src/strategies/strategy.js';

const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: s}\nload: {duration: 30s, warmUp: 2s}\n';
const scenario = (yaml: string) => parseScenario(`${HEAD}${yaml}`, 's.yaml');
const ROLE = 'database: {role: {defaultTtl: 6s, maxTtl: 15s}}\n';

/** A driver that records what the machine asks of it; `renew` answers as the direct issuer would. */
function fakeDriver(grant: (increment: number) => number = (i) => i) {
  let n = 0;
  let live: Credentials = creds(0);
  const calls: string[] = [];
  const driver = {
    current: () => live,
    async rotate(trigger: RotationTrigger, pickup: DriverPickup) {
      live = creds(++n);
      calls.push(`rotate ${trigger} ${pickup} -> ${live.leaseId}`);
      return live;
    },
    async renew(c: Credentials, incrementMs: number) {
      const ttlMs = grant(incrementMs);
      calls.push(`renew ${c.leaseId} +${incrementMs}`);
      return { ttlMs, capped: ttlMs < incrementMs };
    },
  };
  return { driver: driver as unknown as RotationDriver, calls };
}

function creds(i: number): Credentials {
  return { leaseId: `lease-${i}`, username: `u${i}`, password: 'p', issuedAt: 1000, ttlMs: 6000 };
}

async function runAll(plan: { atMs: number; run(): Promise<unknown> }[]) {
  for (const p of plan) await p.run();
}

describe('secret-sync-restart on the local target', () => {
  it('plans exactly the refresh ticks planRotations planned before (same times, same trigger) and rolls on each', async () => {
    const s = scenario(`delivery: {refreshInterval: 7s}\n${ROLE}`);
    const { driver, calls } = fakeDriver();
    const plan = machineFor({ scenario: s, driver, initial: creds(0) }).plan(2000, 32_000);
    const before = planRotations(s, 2000).filter((a) => a.action === 'refresh');
    expect(plan.map((p) => [p.atMs, p.trigger])).toEqual(before.map((a) => [a.atMs, 'refresh']));
    expect(plan.map((p) => p.atMs)).toEqual([9000, 16_000, 23_000, 30_000]);
    await runAll(plan.slice(0, 1));
    expect(calls).toEqual(['rotate refresh restart -> lease-1']);
  });

  it('with reload: none issues and leaves the replicas alone; at rotations too', async () => {
    const s = scenario('delivery: {refreshInterval: 10s, reload: none}\n');
    const { driver, calls } = fakeDriver();
    const m = machineFor({ scenario: s, driver, initial: creds(0) });
    await runAll(m.plan(0, 30_000));
    await m.rotateAt();
    expect(calls).toEqual(['rotate refresh none -> lease-1', 'rotate refresh none -> lease-2', 'rotate at none -> lease-3']);
  });
});

describe('init-renewer on the local target', () => {
  const s = scenario(`delivery: {strategy: init-renewer, renewEvery: 2s, renewIncrement: 6s}\n${ROLE}`);

  it('renews at the times of init-renewer\'s schedule from the first lease, never issuing new credentials', () => {
    const { driver } = fakeDriver();
    const plan = machineFor({ scenario: s, driver, initial: creds(0) }).plan(3000, 33_000);
    const expected = strategy('init-renewer').schedule({ issuedAtMs: 1000, leaseMs: 6000, maxTtlMs: 15_000 }, 33_000,
      { renewIntervalMs: 2000, incrementMs: 6000 }).filter((e) => e.kind.startsWith('renew'));
    expect(plan.map((p) => p.atMs)).toEqual(expected.map((e) => e.atMs));
    // 6 s lease, checks every 2 s, renews when under 4 s left: at 4 s and 8 s after issue, capped at 12 s (max TTL 15 s).
    expect(plan.map((p) => p.atMs - 1000)).toEqual([4000, 8000, 12_000]);
    expect(expected.map((e) => e.kind)).toEqual(['renew', 'renew', 'renew-truncated']);
    expect(plan.every((p) => p.trigger === 'renew')).toBe(true);
  });

  it('renews the live lease by renewEvery\'s increment, and exits after the first capped answer', async () => {
    let left = 2;
    const { driver, calls } = fakeDriver((i) => (--left > 0 ? i : 1000));
    const plan = machineFor({ scenario: s, driver, initial: creds(0) }).plan(0, 40_000);
    await runAll(plan);
    // The second answer is capped: the renewer exits and the third planned renewal does nothing.
    expect(calls).toEqual(['renew lease-0 +6000', 'renew lease-0 +6000']);
  });
});

describe('agent-template on the local target', () => {
  it('renews by the LifetimeWatcher, re-fetches near max TTL and renews the new lease from then on', async () => {
    const s = scenario(`delivery: {strategy: agent-template, via: file, pickup: signal}\n${ROLE}`);
    const { driver, calls } = fakeDriver((i) => i || 6000);
    const plan = machineFor({ scenario: s, driver, initial: creds(0) }).plan(2000, 1000 + 17_000);
    // grace 0.6 s: renewals at 0, 4.2, 8.4 s; at 12.6 s the capped renewal, the re-fetch and the new lease's first renewal.
    expect(plan.map((p) => [p.atMs - 1000, p.trigger])).toEqual([[0, 'renew'], [4200, 'renew'], [8400, 'renew'], [12_600, 'expiry'], [16_800, 'renew']]);
    await runAll(plan);
    expect(calls).toEqual([
      'renew lease-0 +0', 'renew lease-0 +0', 'renew lease-0 +0', 'renew lease-0 +0',
      'rotate expiry signal -> lease-1', 'renew lease-1 +0', 'renew lease-1 +0',
    ]);
  });

  it('derived from reload: signal, keeps today\'s refresh ticks delivered by SIGHUP, and renews nothing', async () => {
    const s = scenario(`delivery: {refreshInterval: 6s, reload: signal, via: file}\n${ROLE}`);
    const { driver, calls } = fakeDriver();
    const plan = machineFor({ scenario: s, driver, initial: creds(0) }).plan(2000, 32_000);
    expect(plan.map((p) => p.atMs)).toEqual(planRotations(s, 2000).map((a) => a.atMs));
    await runAll(plan);
    expect(calls).toEqual([8000, 14_000, 20_000, 26_000].map((_, i) => `rotate refresh signal -> lease-${i + 1}`));
  });
});

describe('leaseClock', () => {
  it('anchors a lease at a whole ms, so a watcher re-fetches at 4×grace before max TTL from any run-clock instant', () => {
    // 6 s lease, max TTL 15 s, grace 0.6 s: the agent re-fetches 12.6 s after the issue. From a
    // fractional issue time, float rounding could tip the stop test one renewal late (14.4 s).
    const s = scenario(ROLE);
    const m = strategy('agent-template');
    for (let i = 0; i < 200; i++) {
      const issuedAt = 1000 + i * 7.37 + i / 1000;
      const clock = leaseClock(s, issuedAt);
      const refetch = m.schedule(clock, clock.issuedAtMs + 20_000, { ...m.defaults, pickup: 'reread' }, NO_JITTER)
        .find((e) => e.kind === 'issue' && e.lease === 1)!;
      expect(refetch.atMs - clock.issuedAtMs, `issued at ${issuedAt}`).toBeCloseTo(12_600, 6);
    }
  });
});
