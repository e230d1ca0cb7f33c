import type { Scenario } from '../scenario/model.js';

/** One planned action of a run, at a time on the run clock. */
export interface ScheduledAction {
  atMs: number;
  action: 'refresh' | 'at' | 'revoke';
}

/**
 * When rotations happen: every refreshInterval (as ESO's refreshInterval) plus the `at` and
 * `revoke` offsets, all counted from the end of the warm-up and strictly inside the measured load.
 */
export function planRotations(s: Scenario, measureFromMs: number): ScheduledAction[] {
  const endMs = measureFromMs + s.load.durationMs;
  const out: ScheduledAction[] = [];
  const every = s.delivery.refreshIntervalMs;
  if (every > 0) {
    for (let t = measureFromMs + every; t < endMs; t += every) out.push({ atMs: t, action: 'refresh' });
  }
  for (const off of s.rotations.atMs) out.push({ atMs: measureFromMs + off, action: 'at' });
  for (const off of s.rotations.revokeAtMs) out.push({ atMs: measureFromMs + off, action: 'revoke' });
  return out.filter((a) => a.atMs < endMs).sort((a, b) => a.atMs - b.atMs);
}
