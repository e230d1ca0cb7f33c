import type { RotationTrigger, RunEvent } from '../ports/events.js';
import type { TimelineData, TimelineView } from '../recorder/timeline-data.js';
import { TimelineRecorder } from '../recorder/timeline-recorder.js';
import { intervalStats, windowStats, type Interval, type WindowStats } from './stats.js';
import { groupOverlapping, rolloutWindows, type RolloutGroup } from './windows.js';
import { replicaStartups, startupStats, type ReplicaStartup, type StartupStats } from './startup.js';
import {
  countLeases, countRotations, databaseCauses, databaseFailures, failedRotations, lostLoadWorkers, secretLatency, unexpectedExits,
  type DatabaseFailure, type FailedRotation, type LeaseCounts, type LostLoadWorker, type UnexpectedExit,
} from './run-events.js';

export type { DatabaseFailure, FailedRotation, LeaseCounts, StartupStats };

/**
 * One row of the analysis: a rollout, or several whose windows overlapped (a rollout that started
 * while the previous one was still rolling or settling), with the statistics of the requests
 * started in their joint window. Rows never share a request.
 */
export interface RolloutStats extends WindowStats {
  /** Position in start order, from 1. */
  index: number;
  /** Revision the row's last rollout moved to. */
  revision: number;
  /** Revisions of every rollout in the row, in start order (one unless windows overlapped). */
  revisions: number[];
  /** What caused it (refresh, revoke, at, ...); merged rollouts join theirs with `+`: `refresh+at`. */
  trigger: string;
  /** The trigger of every rollout in the row, in start order. */
  triggers: RotationTrigger[];
  /** First `rollout_started` time, run-clock ms (may precede the measurement start). */
  startMs: number;
  /** Last completion − first start in ms; null when any rollout of the row never completed. */
  durationMs: number | null;
  /** Whether `rollout_completed` was seen for every rollout of the row. */
  completed: boolean;
  /**
   * The analysed range [fromMs, toMs): lead before the first start to the last completion +
   * settle (or the load end when incomplete), clipped to the measured range, so warm-up requests never count.
   */
  window: { fromMs: number; toMs: number };
  /**
   * Kubernetes target: ms from the Secret change (`secret_synced`, ESO wrote new credentials) that
   * preceded the row's first rollout to its start — how long Wave took to react. Absent when no such event.
   */
  secretToRolloutMs?: number;
  /** Start-up (spawn → ready) of the replicas of the row's revisions; absent when none was seen starting. */
  startup?: StartupStats;
  /** local target: errors the database logged in the window, by SQLSTATE (28P01, 57P01, 42501, …). */
  databaseCauses?: Record<string, number>;
}

/** The full analysis of a run; pure function of the event log and the timeline. */
export interface RunAnalysis {
  /** Settle tail added after each rollout's completion, ms. */
  settleMs: number;
  /** Lead: how long before rollout_started each window opens, ms. */
  leadMs: number;
  /** Start of the measured range (end of warm-up), run-clock ms. */
  measureFromMs: number;
  /** End of the measured range (end of load), run-clock ms. */
  measureToMs: number;
  /** Every rollout row in start order; overlapping rollouts share one row. */
  rollouts: RolloutStats[];
  /** The measured range minus every rollout window. */
  baseline: WindowStats;
  /** The whole measured range: the rollout rows plus the baseline, request for request. */
  overall: WindowStats;
  /** `rotation_triggered` events counted by trigger. */
  rotations: Partial<Record<RotationTrigger, number>>;
  /** Rotations that could not be carried out (`rotation_failed`), in log order. */
  failedRotations: FailedRotation[];
  /** The database stopping mid-run (`database_failed`), in log order. */
  databaseFailures: DatabaseFailure[];
  /** Load workers that died or stalled (issue 13), in log order; absent in older run files. */
  lostLoadWorkers?: LostLoadWorker[];
  /** Leases issued, expired, revoked and still outstanding. */
  leases: LeaseCounts;
  /** Start-up (spawn → ready) of every replica start of the run, first ones included. */
  startup?: StartupStats;
  /** local target: errors the database logged in the measured range, by SQLSTATE. */
  databaseCauses?: Record<string, number>;
  /** local target: replicas that exited without being asked to, in log order (their output is in replicas/<id>.log). */
  unexpectedExits?: UnexpectedExit[];
}

/** Input of analyzeRun: what a results directory holds plus the run's measured range. */
export interface AnalyzeInput {
  events: readonly RunEvent[];
  timeline: TimelineData | TimelineView;
  settleMs: number;
  /**
   * How long before `rollout_started` a rollout window opens. Requests are binned by their start,
   * and a request already in flight when the rollout starts can fail because of it (a replica
   * killed mid-request), so the window opens this much earlier. Default 0.
   */
  leadMs?: number;
  /** End of warm-up: requests started earlier are excluded everywhere. */
  measureFromMs: number;
  /** End of load. */
  measureToMs: number;
}

/** Attributes every measured request to one rollout row or the baseline and computes their statistics. */
export function analyzeRun(input: AnalyzeInput): RunAnalysis {
  const { events, settleMs, measureFromMs: from, measureToMs: to } = input;
  const leadMs = input.leadMs ?? 0;
  const timeline = 'scale' in input.timeline ? input.timeline : TimelineRecorder.fromData(input.timeline);
  const groups = groupOverlapping(rolloutWindows(events, settleMs, to), leadMs);
  const startups = replicaStartups(events);
  const rollouts = groups.map((g, i) => rolloutRow(g, i + 1, events, timeline, from, to, startups));
  return {
    settleMs,
    leadMs,
    measureFromMs: from,
    measureToMs: to,
    rollouts,
    baseline: intervalStats(timeline, complement(from, to, rollouts.map((r): Interval => [r.window.fromMs, r.window.toMs]))),
    overall: windowStats(timeline, from, to),
    rotations: countRotations(events),
    failedRotations: failedRotations(events),
    databaseFailures: databaseFailures(events),
    lostLoadWorkers: lostLoadWorkers(events),
    leases: countLeases(events),
    ...optional('startup', startupStats(startups)),
    ...optional('databaseCauses', databaseCauses(events, from, to)),
    ...optional('unexpectedExits', nonEmpty(unexpectedExits(events))),
  };
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** `{ [key]: value }`, or nothing when value is undefined (run.json has no `null` placeholders). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function rolloutRow(g: RolloutGroup, index: number, events: readonly RunEvent[], timeline: TimelineView,
  from: number, to: number, startups: readonly ReplicaStartup[]): RolloutStats {
  const first = g.members[0];
  const last = g.members[g.members.length - 1];
  const completed = g.members.every((m) => m.completedMs !== null);
  const lastCompletion = Math.max(...g.members.map((m) => m.completedMs ?? -Infinity));
  const fromMs = Math.min(Math.max(g.fromMs, from), to);
  const toMs = Math.max(fromMs, Math.min(g.toMs, to));
  const triggers = g.members.map((m) => m.trigger);
  return {
    index,
    revision: last.revision,
    revisions: g.members.map((m) => m.revision),
    trigger: triggers.join('+'),
    triggers,
    startMs: first.startMs,
    durationMs: completed ? lastCompletion - first.startMs : null,
    completed,
    window: { fromMs, toMs },
    ...secretLatency(events, first.startMs),
    ...windowStats(timeline, fromMs, toMs),
    // The new revisions' replicas that started once the row's first rollout had begun.
    ...optional('startup', startupStats(startups.filter((s) => g.members.some((m) => m.revision === s.revision) && s.startedMs >= first.startMs))),
    ...optional('databaseCauses', databaseCauses(events, fromMs, toMs)),
  };
}

/** [from, to) minus intervals that are sorted and disjoint (rollout rows never overlap). */
function complement(from: number, to: number, taken: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let cursor = from;
  for (const [f, t] of taken) {
    if (f > cursor) out.push([cursor, Math.min(f, to)]);
    cursor = Math.max(cursor, t);
  }
  if (cursor < to) out.push([cursor, to]);
  return out;
}
