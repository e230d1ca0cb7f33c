import type { RunEvent } from '../ports/events.js';

/** How often a run's replicas were replaced, restarted or told to reload. */
export interface RestartCounts {
  /** Rolling restarts: `rollout_started` events (the initial start is no rollout). */
  rollouts: number;
  /**
   * Replicas restarted in place: a `replica_exited` followed later by a `replica_started` of the
   * same replica id (a rolling restart starts new ids; vault-env's daemon and a liveness kill
   * restart the same one). Exits of replicas never started again (scale-down, end of run) do not count.
   */
  inPlaceRestarts: number;
  /** SIGHUP (or re-read) reloads: `credentials_reloaded` events. */
  reloads: number;
}

/** Counts rollouts, in-place restarts and reloads in an event log (in log order). */
export function restartCounts(events: readonly RunEvent[]): RestartCounts {
  let rollouts = 0;
  let reloads = 0;
  let inPlaceRestarts = 0;
  const exited = new Set<string>();
  for (const e of events) {
    if (e.type === 'rollout_started') rollouts++;
    else if (e.type === 'credentials_reloaded') reloads++;
    else if (e.type === 'replica_exited') exited.add(e.replica);
    else if (e.type === 'replica_started' && exited.delete(e.replica)) inPlaceRestarts++;
  }
  return { rollouts, inPlaceRestarts, reloads };
}
