import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/ports/credentials.js';
import type { RotationTrigger } from '../../../src/ports/events.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import { strategy } from '../../../src/strategies/index.js';
import type { DriverPickup, RotationDriver } from '../../../src/targets/local/rotation-driver.js';
import { machineFor } from '../../../src/targets/local/strategies/index.js';

const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: s}\nload: {duration: 30s, warmUp: 2s}\n';
const scenario = (yaml: string) => parseScenario(`${HEAD}${yaml}`, 's.yaml');

/** A driver that records what a machine asks of it; `renew` answers with `grant(increment)`. */
function fakeDriver(grant: (increment: number, call: number) => number = (i) => i) {
  let n = 0;
  let renewals = 0;
  const calls: string[] = [];
  const driver = {
    async rotate(trigger: RotationTrigger, pickup: DriverPickup) {
      const c = creds(++n);
      calls.push(`rotate ${trigger} ${pickup} -> ${c.leaseId}`);
      return c;
    },
    async renew(c: Credentials, incrementMs: number) {
      const ttlMs = grant(incrementMs, renewals++);
      calls.push(`renew ${c.leaseId} +${incrementMs}${ttlMs < incrementMs ? ' capped' : ''}`);
      return { ttlMs, capped: ttlMs < incrementMs };
    },
    async revoke(c: Credentials) {
      calls.push(`revoke ${c.leaseId}`);
    },
    async rotatePassword(trigger: RotationTrigger) {
      const c = { ...creds(0), password: `p${++n}` };
      calls.push(`rotate-password ${trigger} -> ${c.password}`);
      return c;
    },
    async pickUp(c: Credentials, trigger: RotationTrigger, pickup: DriverPickup) {
      calls.push(`pick-up ${c.password} ${trigger} ${pickup}`);
    },
  };
  return { driver: driver as unknown as RotationDriver, calls };
}

function creds(i: number): Credentials {
  return { leaseId: `lease-${i}`, username: `u${i}`, password: 'p0', issuedAt: 1000, ttlMs: 8000 };
}

const run = async (plan: { run(): Promise<unknown> }[]) => { for (const p of plan) await p.run(); };

describe('vso on the local target', () => {
  const ROLE = 'database: {role: {defaultTtl: 8s, maxTtl: 20s}}\n';

  it('renews at 77 % of the lease (no jitter) and re-reads + rolls only at the renewal max TTL cuts short', async () => {
    const s = scenario(`delivery: {strategy: vso}\n${ROLE}`);
    // Direct-issuer semantics: the first lease ends at 1 s + 20 s; the second at 13.32 s + 20 s.
    const { driver, calls } = fakeDriver((i, k) => (k === 1 ? 7680 : i));
    const plan = machineFor({ scenario: s, driver, initial: creds(0) }).plan(2000, 1000 + 26_000);
    // 8 s × (67 % + 10 %) = 6.16 s; 12.32 s leaves 7.68 s < 8 s: truncated; lease 1 renews at 18.48 s, truncated at 24.64 s.
    expect(plan.map((p) => [Math.round(p.atMs - 1000), p.trigger])).toEqual([[6160, 'renew'], [12_320, 'expiry'], [18_480, 'renew'], [24_640, 'expiry']]);
    await run(plan.slice(0, 3));
    expect(calls).toEqual(['renew lease-0 +8000', 'renew lease-0 +8000 capped', 'rotate expiry restart -> lease-1', 'renew lease-1 +8000']);
  });

  it('follows renewalPercent and takes its times from vso\'s schedule', () => {
    const s = scenario(`delivery: {strategy: vso, renewalPercent: 50}\n${ROLE}`);
    const plan = machineFor({ scenario: s, driver: fakeDriver().driver, initial: creds(0) }).plan(0, 1000 + 20_000);
    const expected = strategy('vso').schedule({ issuedAtMs: 1000, leaseMs: 8000, maxTtlMs: 20_000 }, 21_000, { renewalPercent: 50, revoke: false })
      .filter((e) => e.kind === 'renew' || e.kind === 'renew-truncated').map((e) => e.atMs);
    expect(plan.map((p) => p.atMs)).toEqual(expected);
    expect(plan[0].atMs - 1000).toBeCloseTo(4800);
  });

  it('does not roll when the renewal it expected to be cut short was not (the answer decides, as in VSO)', async () => {
    const s = scenario(`delivery: {strategy: vso}\n${ROLE}`);
    const { driver, calls } = fakeDriver();
    await run(machineFor({ scenario: s, driver, initial: creds(0) }).plan(0, 1000 + 13_000));
    expect(calls).toEqual(['renew lease-0 +8000', 'renew lease-0 +8000']);
  });

  it('never revokes a replaced lease; with revoke: true it revokes the live one when the VDS goes (finish)', async () => {
    for (const revoke of [false, true]) {
      const s = scenario(`delivery: {strategy: vso, revoke: ${revoke}}\n${ROLE}`);
      const { driver, calls } = fakeDriver((i, k) => (k === 1 ? 7680 : i));
      const m = machineFor({ scenario: s, driver, initial: creds(0) });
      await run(m.plan(0, 1000 + 13_000));
      await m.finish?.();
      expect(calls.filter((c) => c.startsWith('revoke'))).toEqual(revoke ? ['revoke lease-1'] : []);
    }
  });
});

describe('static-role on the local target', () => {
  it('rotates every rotationPeriod and ESO delivers at its first refresh at or after each rotation', async () => {
    const s = scenario('delivery: {strategy: static-role, rotationPeriod: 10s, carrier: secret-sync-restart, refreshInterval: 6s}\n');
    const { driver, calls } = fakeDriver();
    const plan = machineFor({ scenario: s, driver, initial: creds(0) }).plan(0, 1000 + 25_000);
    // Rotations at 10 s and 20 s; ESO ticks every 6 s from the start: pickups at 12 s and 24 s.
    expect(plan.map((p) => [p.atMs - 1000, p.trigger])).toEqual([[10_000, 'rotation-period'], [12_000, 'refresh'], [20_000, 'rotation-period'], [24_000, 'refresh']]);
    await run(plan);
    expect(calls).toEqual(['rotate-password rotation-period -> p1', 'pick-up p1 refresh restart', 'rotate-password rotation-period -> p2', 'pick-up p2 refresh restart']);
  });

  it('vso carries at +0.5 s by a rollout, the agent at +1 s by SIGHUP', () => {
    const times = (yaml: string) => machineFor({ scenario: scenario(yaml), driver: fakeDriver().driver, initial: creds(0) })
      .plan(0, 1000 + 12_000).map((p) => p.atMs - 1000);
    expect(times('delivery: {strategy: static-role, rotationPeriod: 5s}\n')).toEqual([5000, 5500, 10_000, 10_500]);
    expect(times('delivery: {strategy: static-role, rotationPeriod: 5s, carrier: agent-template, via: file}\n')).toEqual([5000, 6000, 10_000, 11_000]);
  });

  it('a manual rotation is not delivered until the next scheduled pickup; a pickup with nothing new does nothing', async () => {
    const s = scenario('delivery: {strategy: static-role, rotationPeriod: 5s, carrier: agent-template, via: file}\n');
    const { driver, calls } = fakeDriver();
    const m = machineFor({ scenario: s, driver, initial: creds(0) });
    const plan = m.plan(0, 1000 + 7000);
    await m.rotateAt();
    await run(plan);
    await plan[1].run();
    expect(calls).toEqual(['rotate-password at -> p1', 'rotate-password rotation-period -> p2', 'pick-up p2 refresh signal']);
  });
});
