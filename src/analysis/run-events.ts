import type { RotationTrigger, RunEvent } from '../ports/events.js';

/** Lease bookkeeping from the event log. */
export interface LeaseCounts {
  /** `credentials_issued` events. */
  issued: number;
  /** `lease_expired` events. */
  expired: number;
  /** `lease_revoked` events (revocations and cleanup). */
  revoked: number;
  /**
   * Issued leases that neither expired nor were revoked by the end of the log — or, when the log
   * has a `leases_counted` event of phase `after` (kubernetes target: ESO issues the leases, Vault
   * counts them), that count: the leases the run created, not the lab's from before it.
   */
  outstanding: number;
  /**
   * kubernetes target: the role's leases from before the run, still live at its end (the idle
   * lab's ESO refreshes); not in `outstanding`. Absent on other targets and in older logs.
   */
  preExisting?: number;
}

/** A rotation that could not be carried out (`rotation_failed` event); the message is redacted. */
export interface FailedRotation {
  /** Run-clock ms the rotation was triggered (older logs: when it failed). */
  t: number;
  trigger: RotationTrigger;
  message: string;
}

/** The database stopping mid-run (`database_failed` event); the message is redacted. */
export interface DatabaseFailure {
  /** Run-clock ms of the event. */
  t: number;
  message: string;
}

/** `rotation_triggered` events counted by trigger. */
export function countRotations(events: readonly RunEvent[]): Partial<Record<RotationTrigger, number>> {
  const out: Partial<Record<RotationTrigger, number>> = {};
  for (const e of events) if (e.type === 'rotation_triggered') out[e.trigger] = (out[e.trigger] ?? 0) + 1;
  return out;
}

/** Every `rotation_failed` event, in log order. */
export function failedRotations(events: readonly RunEvent[]): FailedRotation[] {
  const out: FailedRotation[] = [];
  for (const e of events) if (e.type === 'rotation_failed') out.push({ t: e.triggeredAt ?? e.t, trigger: e.trigger, message: e.message });
  return out;
}

/** A load worker lost mid-run (`load_worker_lost`). */
export interface LostLoadWorker {
  t: number;
  worker: number;
  workers: number;
  reason: string;
  /** Requests of its share it never reported, recorded as not_sent (worker_lost). */
  notSent: number;
}

/** Every `load_worker_lost` event, in log order. */
export function lostLoadWorkers(events: readonly RunEvent[]): LostLoadWorker[] {
  return events.flatMap((e) => (e.type === 'load_worker_lost'
    ? [{ t: e.t, worker: e.worker, workers: e.workers, reason: e.reason, notSent: e.notSent }] : []));
}

/** Every `database_failed` event, in log order. */
export function databaseFailures(events: readonly RunEvent[]): DatabaseFailure[] {
  const out: DatabaseFailure[] = [];
  for (const e of events) if (e.type === 'database_failed') out.push({ t: e.t, message: e.message });
  return out;
}

/** Leases issued, expired, revoked and still outstanding at the end of the log. */
export function countLeases(events: readonly RunEvent[]): LeaseCounts {
  const live = new Set<string>();
  const counts = { issued: 0, expired: 0, revoked: 0 };
  let countedAfter: number | undefined;
  let preExisting: number | undefined;
  for (const e of events) {
    if (e.type === 'credentials_issued') {
      counts.issued++;
      live.add(e.leaseId);
    } else if (e.type === 'lease_expired') {
      counts.expired++;
      live.delete(e.leaseId);
    } else if (e.type === 'lease_revoked') {
      counts.revoked++;
      live.delete(e.leaseId);
    } else if (e.type === 'leases_counted' && e.phase === 'after') {
      countedAfter = e.count;
      preExisting = e.preExisting;
    }
  }
  return { ...counts, outstanding: countedAfter ?? live.size, ...(preExisting === undefined ? {} : { preExisting }) };
}

/**
 * The latest `secret_synced` after the previous rollout started and at or before this one's start,
 * as a latency; {} when there is none (a change already answered by an earlier rollout is not reused).
 */
export function secretLatency(events: readonly RunEvent[], startMs: number): { secretToRolloutMs?: number } {
  let last: number | undefined;
  for (const e of events) {
    if (e.t > startMs) continue;
    if (e.type === 'secret_synced') last = e.t;
    else if (e.type === 'rollout_started' && e.t < startMs) last = undefined;
  }
  return last === undefined ? {} : { secretToRolloutMs: startMs - last };
}

/**
 * Errors the database logged (`database_errors`) by SQLSTATE, for groups starting in [fromMs, toMs);
 * undefined when there were none (or the target does not read the database's log).
 */
export function databaseCauses(events: readonly RunEvent[], fromMs: number, toMs: number): Record<string, number> | undefined {
  let out: Record<string, number> | undefined;
  for (const e of events) {
    if (e.type !== 'database_errors' || e.t < fromMs || e.t >= toMs) continue;
    out ??= {};
    out[e.code] = (out[e.code] ?? 0) + e.count;
  }
  return out;
}

/** A replica that exited without being asked to (a crash, a failed start, a liveness kill). */
export interface UnexpectedExit {
  t: number;
  replica: string;
  revision: number;
  code: number | null;
  signal: string | null;
}

/** Every unexpected replica exit, in log order. */
export function unexpectedExits(events: readonly RunEvent[]): UnexpectedExit[] {
  return events.flatMap((e) => (e.type === 'replica_exited' && !e.expected
    ? [{ t: e.t, replica: e.replica, revision: e.revision, code: e.code, signal: e.signal }] : []));
}
