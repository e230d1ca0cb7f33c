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
