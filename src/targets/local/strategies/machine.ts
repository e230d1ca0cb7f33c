import type { Credentials } from '../../../ports/credentials.js';
import type { RotationTrigger } from '../../../ports/events.js';
import type { Scenario } from '../../../scenario/model.js';
import type { LeaseClock, TimelineEvent } from '../../../strategies/index.js';
import type { PlannedRotation } from '../../target.js';
import type { ReplicaLeases } from '../replica-leases.js';
import type { RotationDriver } from '../rotation-driver.js';

/*
 * The frame of the local target's delivery strategies (issue 11): each strategy is a small state
 * machine over the issuer and the supervisor, reached through the RotationDriver (issue + pickup,
 * renew, revoke). Its timed steps come from the strategy's own timing functions in src/strategies
 * (facts: ../shared/reference/delivery-strategies.md); nothing here computes a time itself.
 */

/** What a strategy machine is built from. */
export interface MachineContext {
  scenario: Scenario;
  driver: RotationDriver;
  /** The credentials the replicas started with (the first lease of the strategy's schedule). */
  initial: Credentials;
  /**
   * Per-replica credentials (csi, vault-env: perReplicaCredentials()): every replica's own lease,
   * issued at its start; `initial` is then the first replica's.
   */
  replicas?: ReplicaLeases;
}

/** One running strategy. */
export interface StrategyMachine {
  /**
   * The strategy's own steps (new credentials, renewals) on the run clock, strictly before `untilMs`
   * (the end of the load); `measureFromMs` is the end of the warm-up, where ESO's refresh ticks count from.
   */
  plan(measureFromMs: number, untilMs: number): PlannedRotation[];
  /** `rotations.at`: new credentials now, delivered the strategy's way. */
  rotateAt(): Promise<unknown>;
  /** The load is over and rollouts settled: what the strategy does when its objects are deleted (VSO `revoke`). */
  finish?(): Promise<void>;
}

export type MachineFactory = (ctx: MachineContext) => StrategyMachine;

/** Vault's system default and max lease TTL (768h): what a role TTL of 0 means. */
const SYSTEM_TTL_MS = 768 * 3600_000;

/** The scenario's role lease, issued at `issuedAtMs`, as the timing functions take it. */
export function leaseClock(s: Scenario, issuedAtMs: number): LeaseClock {
  const { defaultTtlMs, maxTtlMs } = s.database.role;
  // Whole ms: with a fraction, float rounding can tip the watchers' `remaining − sleep ≤ grace`
  // stop test one renewal late (agent-template re-fetching at 14.4 s instead of 12.6 s).
  return { issuedAtMs: Math.round(issuedAtMs), leaseMs: defaultTtlMs > 0 ? defaultTtlMs : SYSTEM_TTL_MS, maxTtlMs: maxTtlMs > 0 ? maxTtlMs : SYSTEM_TTL_MS };
}

/** Runs steps one at a time in call order: a step due while another runs waits for it, as one sidecar would. */
export class Serial {
  private chain: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const next = this.chain.then(step, step);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** What a machine does for one schedule event (undefined: nothing, e.g. `lease-expires` is Vault's doing). */
export type EventStep = (e: TimelineEvent) => { trigger: RotationTrigger; run: () => Promise<unknown> } | undefined;

/**
 * Turns a schedule into planned rotations: one per distinct time before `untilMs`, running that
 * time's steps in schedule order (a re-fetch before the new lease's first renewal). One timer per
 * time, because timers set for the same instant need not fire in the order they were set.
 */
export function planSchedule(events: readonly TimelineEvent[], untilMs: number, step: EventStep): PlannedRotation[] {
  const byTime = new Map<number, { trigger: RotationTrigger; run: () => Promise<unknown> }[]>();
  for (const e of events) {
    const s = e.atMs < untilMs ? step(e) : undefined;
    if (!s) continue;
    const at = byTime.get(e.atMs) ?? [];
    at.push(s);
    byTime.set(e.atMs, at);
  }
  return [...byTime.entries()].sort(([a], [b]) => a - b).map(([atMs, steps]) => ({
    atMs,
    // A time that brings new credentials is named by them; renewals alone by `renew`.
    trigger: steps.find((s) => s.trigger !== 'renew')?.trigger ?? 'renew',
    run: async () => {
      for (const s of steps) await s.run();
    },
  }));
}
