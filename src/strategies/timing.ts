import type { LeaseClock, Rand, TimelineEvent, TimelineKind } from './strategy.js';
import { NO_JITTER } from './strategy.js';

/*
 * Timing shared by several strategies: Vault's LifetimeWatcher (used by Vault Agent/consul-template,
 * Bank-Vaults vault-env daemon mode, the CSI provider's agent and apps that hold their own lease)
 * and the chaining of one lease's events into a schedule.
 */

/** One renewal by a LifetimeWatcher: when, the TTL Vault gave back, and whether max TTL capped it. */
export interface Renewal {
  atMs: number;
  remainingMs: number;
  truncated: boolean;
}

/** What a LifetimeWatcher does with one lease: its renewals, when it gives up, and when the lease then ends. */
export interface WatcherRun {
  renewals: Renewal[];
  graceMs: number;
  /** The watcher returns here; its owner fetches new credentials (agent) or stops the app (vault-env). */
  doneAtMs: number;
  /** The lease's end after the last renewal (max TTL once renewals are capped). */
  leaseEndsAtMs: number;
}

/**
 * The grace period of a LifetimeWatcher: 10 % of min(lease, increment) plus a random 0–10 %, so
 * grace ∈ [10 %, 20 %) of the lease. Source: [VLT] hashicorp/vault api/lifetime_watcher.go
 * calculateGrace (read at commit 0db9cdc); facts file §2 "Renewal" (grace = 10–20 % of the lease).
 */
export function watcherGraceMs(durationMs: number, incrementMs: number, rand: Rand = NO_JITTER): number {
  const base = incrementMs > 0 && durationMs > incrementMs ? incrementMs : durationMs;
  if (base <= 0) return 0;
  const jitterMax = 0.1 * base;
  return jitterMax + rand() * jitterMax;
}

/**
 * Vault's LifetimeWatcher over one lease. It renews at once, then after each renewal sleeps
 * `2/3·remaining + grace/3`, and returns when `remaining ≤ grace` or `remaining − sleep ≤ grace`,
 * i.e. when remaining ≤ 4×grace, which only happens once max TTL caps the renewals. Grace is
 * recomputed only while renewals extend the lease. Renewals with increment 0 ask for the role's
 * default TTL (`leaseMs`). Source: [VLT] api/lifetime_watcher.go doRenewWithOptions,
 * calculateSleepDuration (commit 0db9cdc); facts file §2 "Renewal", [CT] dependency/vault_read.go L78-96.
 * The overlap this leaves (≤ 4×grace) is arithmetic, not measured (facts file §10.6, UNVERIFIED).
 */
export function lifetimeWatcher(lease: LeaseClock, rand: Rand = NO_JITTER, incrementMs = 0): WatcherRun {
  const maxEnd = lease.issuedAtMs + lease.maxTtlMs;
  const asked = incrementMs > 0 ? incrementMs : lease.leaseMs;
  let prior = Math.min(lease.leaseMs, lease.maxTtlMs);
  let grace = watcherGraceMs(prior, incrementMs, rand);
  const renewals: Renewal[] = [];
  let t = lease.issuedAtMs;
  let end = lease.issuedAtMs + prior;
  for (let i = 0; i < 100_000; i++) {
    const remaining = Math.min(asked, maxEnd - t);
    if (remaining <= 0) return { renewals, graceMs: grace, doneAtMs: t, leaseEndsAtMs: end };
    renewals.push({ atMs: t, remainingMs: remaining, truncated: remaining < asked });
    end = t + remaining;
    if (remaining > prior) grace = watcherGraceMs(remaining, incrementMs, rand);
    const sleep = (remaining * 2) / 3 + grace / 3;
    prior = remaining;
    if (remaining <= grace || remaining - sleep <= grace) return { renewals, graceMs: grace, doneAtMs: t, leaseEndsAtMs: end };
    t += sleep;
  }
  throw new Error('lifetimeWatcher: no end in 100000 renewals (max TTL missing?)');
}

/** The events of one lease (without `lease`) and, when the chain goes on, when the next credentials come. */
export interface LeaseStep {
  events: { atMs: number; kind: TimelineKind }[];
  next: { atMs: number; pickupAtMs: number } | null;
}

/**
 * Chains leases into a schedule up to `untilMs`: `issue` (or `issueKind`) for each lease, the
 * events `step` gives for it, and a `pickup` when running replicas take the next one. Sorted by time.
 */
export function chainSchedule(
  first: LeaseClock, untilMs: number, step: (clock: LeaseClock, index: number) => LeaseStep,
  issueKind: TimelineKind = 'issue',
): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  let clock: LeaseClock | null = first;
  for (let lease = 0; clock && clock.issuedAtMs <= untilMs; lease++) {
    if (lease > 10_000) throw new Error('chainSchedule: more than 10000 leases before the horizon');
    out.push({ atMs: clock.issuedAtMs, kind: issueKind, lease });
    const { events, next } = step(clock, lease);
    for (const e of events) if (e.atMs <= untilMs) out.push({ ...e, lease });
    if (next && next.atMs <= clock.issuedAtMs) throw new Error('chainSchedule: next credentials must come after the current ones');
    if (next && next.pickupAtMs <= untilMs && next.atMs <= untilMs) out.push({ atMs: next.pickupAtMs, kind: 'pickup', lease: lease + 1 });
    clock = next ? { ...clock, issuedAtMs: next.atMs } : null;
  }
  return out.sort((a, b) => a.atMs - b.atMs || a.lease - b.lease);
}

/**
 * For each replacement in a schedule: how long the replaced credentials still live after the new
 * ones are issued (lease k's `lease-expires` or `revoke` minus lease k+1's issue). Negative = a gap
 * with no live credentials. This is what must exceed a rollout (hashicorp/vault#22297, facts file §1).
 */
export function overlaps(events: readonly TimelineEvent[]): { lease: number; overlapMs: number }[] {
  const issued = new Map<number, number>();
  const ends = new Map<number, number>();
  for (const e of events) {
    if (e.kind === 'issue' || e.kind === 'password-rotated') issued.set(e.lease, e.atMs);
    if ((e.kind === 'lease-expires' || e.kind === 'revoke') && !ends.has(e.lease)) ends.set(e.lease, e.atMs);
  }
  const out: { lease: number; overlapMs: number }[] = [];
  for (const [lease, end] of ends) {
    const next = issued.get(lease + 1);
    if (next !== undefined) out.push({ lease, overlapMs: end - next });
  }
  return out.sort((a, b) => a.lease - b.lease);
}

/** Leases alive at `atMs` in a schedule: issued at or before it and not yet expired or revoked. */
export function liveLeasesAt(events: readonly TimelineEvent[], atMs: number): number {
  const live = new Set(events.filter((e) => e.kind === 'issue' && e.atMs <= atMs).map((e) => e.lease));
  for (const e of events) if ((e.kind === 'lease-expires' || e.kind === 'revoke') && e.atMs <= atMs) live.delete(e.lease);
  return live.size;
}
