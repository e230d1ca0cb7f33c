import type { Scenario } from '../scenario/model.js';

/** One planned action of a run, at a time on the run clock. */
export interface ScheduledAction {
  atMs: number;
  action: 'refresh' | 'at' | 'revoke' | 'rotate-root';
}

/**
 * When rotations happen, for every target: every refreshInterval (as ESO's refreshInterval) plus
 * the `at`, `revoke` and `rotateRoot` offsets, all counted from the end of the warm-up and strictly
 * inside the measured load. Each target carries out the actions it knows.
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
  for (const off of s.rotations.rotateRootAtMs ?? []) out.push({ atMs: measureFromMs + off, action: 'rotate-root' });
  return out.filter((a) => a.atMs < endMs).sort((a, b) => a.atMs - b.atMs);
}
