import type { RotationTrigger, RunEvent } from '../ports/events.js';
import type { TimelineData, TimelineView } from '../recorder/timeline-data.js';
import { TimelineRecorder } from '../recorder/timeline-recorder.js';
import { intervalStats, mergeIntervals, windowStats, type Interval, type WindowStats } from './stats.js';
import { rolloutWindows } from './windows.js';

/** One rollout with the statistics of the requests started in its window. */
export interface RolloutStats extends WindowStats {
  /** Position in start order, from 1. */
  index: number;
  /** Revision the rollout moved to. */
  revision: number;
  /** What caused it (refresh, revoke, at, ...). */
  trigger: RotationTrigger;
  /** `rollout_started` time, run-clock ms (may precede the measurement start). */
  startMs: number;
  /** completed − started in ms; null when the rollout never completed. */
  durationMs: number | null;
  /** Whether `rollout_completed` was seen. */
  completed: boolean;
  /**
   * The analysed range [fromMs, toMs): the rollout window (start to completion + settle, or to
   * the load end when incomplete) clipped to the measured range, so warm-up requests never count.
   */
  window: { fromMs: number; toMs: number };
  /**
   * Kubernetes target: ms from the Secret change (`secret_synced`, ESO wrote new credentials) that
   * preceded this rollout to its start — how long Wave took to react. Absent when no such event.
   */
  secretToRolloutMs?: number;
}

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
   * counts them), that count.
   */
  outstanding: number;
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
  /** Every rollout in start order. */
  rollouts: RolloutStats[];
  /** The measured range minus every rollout window. */
  baseline: WindowStats;
  /** The whole measured range. */
  overall: WindowStats;
  /** `rotation_triggered` events counted by trigger. */
  rotations: Partial<Record<RotationTrigger, number>>;
  /** Leases issued, expired, revoked and still outstanding. */
  leases: LeaseCounts;
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

/** Attributes every measured request to rollouts or the baseline and computes their statistics. */
export function analyzeRun(input: AnalyzeInput): RunAnalysis {
  const { events, settleMs, measureFromMs: from, measureToMs: to } = input;
  const leadMs = input.leadMs ?? 0;
  const timeline = 'scale' in input.timeline ? input.timeline : TimelineRecorder.fromData(input.timeline);
  const rollouts = rolloutWindows(events, settleMs, to).map((w, i): RolloutStats => {
    const fromMs = Math.min(Math.max(w.startMs - leadMs, from), to);
    const toMs = Math.max(fromMs, Math.min(w.endMs, to));
    return {
      index: i + 1,
      revision: w.revision,
      trigger: w.trigger,
      startMs: w.startMs,
      durationMs: w.completedMs === null ? null : w.completedMs - w.startMs,
      completed: !w.incomplete,
      window: { fromMs, toMs },
      ...secretLatency(events, w.startMs),
      ...windowStats(timeline, fromMs, toMs),
    };
  });
  const taken = mergeIntervals(rollouts.map((r): Interval => [r.window.fromMs, r.window.toMs]));
  return {
    settleMs,
    leadMs,
    measureFromMs: from,
    measureToMs: to,
    rollouts,
    baseline: intervalStats(timeline, complement(from, to, taken)),
    overall: windowStats(timeline, from, to),
    rotations: countRotations(events),
    leases: countLeases(events),
  };
}

/** [from, to) minus sorted, disjoint intervals. */
function complement(from: number, to: number, taken: Array<[number, number]>): Interval[] {
  const out: Interval[] = [];
  let cursor = from;
  for (const [f, t] of taken) {
    if (f > cursor) out.push([cursor, Math.min(f, to)]);
    cursor = Math.max(cursor, t);
  }
  if (cursor < to) out.push([cursor, to]);
  return out;
}

function countRotations(events: readonly RunEvent[]): RunAnalysis['rotations'] {
  const out: RunAnalysis['rotations'] = {};
  for (const e of events) if (e.type === 'rotation_triggered') out[e.trigger] = (out[e.trigger] ?? 0) + 1;
  return out;
}

function countLeases(events: readonly RunEvent[]): LeaseCounts {
  const live = new Set<string>();
  const counts = { issued: 0, expired: 0, revoked: 0 };
  let countedAfter: number | undefined;
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
    }
  }
  return { ...counts, outstanding: countedAfter ?? live.size };
}

/**
 * The latest `secret_synced` after the previous rollout started and at or before this one's start,
 * as a latency; {} when there is none (a change already answered by an earlier rollout is not reused).
 */
function secretLatency(events: readonly RunEvent[], startMs: number): { secretToRolloutMs?: number } {
  let last: number | undefined;
  for (const e of events) {
    if (e.t > startMs) continue;
    if (e.type === 'secret_synced') last = e.t;
    else if (e.type === 'rollout_started' && e.t < startMs) last = undefined;
  }
  return last === undefined ? {} : { secretToRolloutMs: startMs - last };
}
