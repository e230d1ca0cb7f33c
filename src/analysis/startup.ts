import type { RunEvent } from '../ports/events.js';

/** How long replicas took from spawn (`replica_started`) to passing readiness (`replica_ready`). */
export interface StartupStats {
  /** Replicas that became ready. */
  replicas: number;
  medianMs: number;
  maxMs: number;
}

/** One replica start that reached readiness. */
export interface ReplicaStartup {
  replica: string;
  revision: number;
  startedMs: number;
  startupMs: number;
}

/**
 * Every start that became ready, in log order. A restarted replica keeps its id, so each
 * `replica_ready` pairs with the latest `replica_started` of that id before it.
 */
export function replicaStartups(events: readonly RunEvent[]): ReplicaStartup[] {
  const started = new Map<string, number>();
  const out: ReplicaStartup[] = [];
  for (const e of events) {
    if (e.type === 'replica_started') started.set(e.replica, e.t);
    else if (e.type === 'replica_ready') {
      const at = started.get(e.replica);
      if (at === undefined) continue;
      started.delete(e.replica);
      out.push({ replica: e.replica, revision: e.revision, startedMs: at, startupMs: e.t - at });
    }
  }
  return out;
}

/** Median and max of some startups; undefined for none. */
export function startupStats(startups: readonly ReplicaStartup[]): StartupStats | undefined {
  if (startups.length === 0) return undefined;
  const ms = startups.map((s) => s.startupMs).sort((a, b) => a - b);
  const mid = ms.length >> 1;
  const medianMs = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
  return { replicas: ms.length, medianMs, maxMs: ms[ms.length - 1] };
}
