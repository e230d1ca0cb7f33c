import type { RotationTrigger, RunEvent } from '../ports/events.js';

/**
 * The time span attributed to one rollout: from `rollout_started` to `rollout_completed` plus a
 * settle tail (ARCHITECTURE.md "The data that flows", 4). Times are run-clock ms.
 */
export interface RolloutWindow {
  /** Revision number the rollout moved to (from the events). */
  revision: number;
  /** What caused the rollout. */
  trigger: RotationTrigger;
  /** `rollout_started` time. */
  startMs: number;
  /** `rollout_completed` time, or null when the rollout never completed. */
  completedMs: number | null;
  /** End of the window: completed + settle, or the run end when incomplete; never past the run end. */
  endMs: number;
  /** True when no `rollout_completed` was seen for this revision. */
  incomplete: boolean;
}

/**
 * Pairs `rollout_started`/`rollout_completed` events by revision, in start order. Windows may
 * overlap (a rollout that starts while the previous one is still rolling or settling). A second
 * start of the same revision replaces an unfinished first one; a completion without a start is ignored.
 */
export function rolloutWindows(events: readonly RunEvent[], settleMs: number, endMs: number): RolloutWindow[] {
  const windows: RolloutWindow[] = [];
  const open = new Map<number, RolloutWindow>();
  for (const e of events) {
    if (e.type === 'rollout_started') {
      const stale = open.get(e.revision);
      if (stale) windows.splice(windows.indexOf(stale), 1);
      const w: RolloutWindow = { revision: e.revision, trigger: e.trigger, startMs: e.t, completedMs: null,
        endMs: Math.max(e.t, endMs), incomplete: true };
      windows.push(w);
      open.set(e.revision, w);
    } else if (e.type === 'rollout_completed') {
      const w = open.get(e.revision);
      if (!w) continue;
      open.delete(e.revision);
      w.completedMs = e.t;
      w.incomplete = false;
      w.endMs = Math.max(w.startMs, Math.min(e.t + settleMs, endMs));
    }
  }
  return windows.sort((a, b) => a.startMs - b.startMs);
}

/**
 * Rollout windows that overlap, merged: one analysed range per group of rollouts, so a request
 * counts in one row only. A rollout whose window opens (its start − lead) before the open
 * group's window closes (latest completion + settle, or the run end while any member is
 * incomplete) joins that group. Members keep start order.
 */
export interface RolloutGroup {
  /** The rollouts of the group, in start order (one for a rollout that overlapped nothing). */
  members: RolloutWindow[];
  /** First member's start − lead, run-clock ms (not clipped to the measured range). */
  fromMs: number;
  /** Latest member's window end, run-clock ms. */
  toMs: number;
}

/** Groups windows (sorted by start, as rolloutWindows returns them) whose ranges overlap. */
export function groupOverlapping(windows: readonly RolloutWindow[], leadMs: number): RolloutGroup[] {
  const groups: RolloutGroup[] = [];
  for (const w of windows) {
    const fromMs = w.startMs - leadMs;
    const open = groups[groups.length - 1];
    // Half-open ranges: a window opening exactly where the last one closes shares no bin with it.
    if (open && fromMs < open.toMs) {
      open.members.push(w);
      open.toMs = Math.max(open.toMs, w.endMs);
    } else {
      groups.push({ members: [w], fromMs, toMs: Math.max(fromMs, w.endMs) });
    }
  }
  return groups;
}
