import type { LoadPlan } from '../ports/load.js';

/** One slice of a staggered load plan: its own plan, started `offsetMs` after the run starts. */
export interface LoadSlice {
  offsetMs: number;
  plan: LoadPlan;
}

/** Upper bound on slices: 10 gives a burst every 100 ms, enough for rollouts that take seconds. */
export const MAX_SLICES = 10;

/**
 * Spreads a fixed-rate plan over staggered slices. autocannon gives each connection a budget per
 * second that it spends at once, so a single instance sends all its requests in a burst at the
 * start of each second and misses a failure that falls between bursts. K slices, each with a
 * share of the connections and of the rate, started 1000/K ms apart, send a burst every 1000/K ms
 * instead. 'max' rate needs no pacing and stays one slice. All slices end together.
 */
export function staggerPlan(plan: LoadPlan, maxSlices = MAX_SLICES): LoadSlice[] {
  if (plan.rate === 'max') return [{ offsetMs: 0, plan }];
  const rate = Math.max(1, Math.round(plan.rate));
  const k = Math.max(1, Math.min(maxSlices, plan.connections, rate));
  const slices: LoadSlice[] = [];
  for (let i = 0; i < k; i++) {
    const offsetMs = Math.round((i * 1000) / k);
    if (offsetMs >= plan.durationMs) break;
    slices.push({
      offsetMs,
      plan: {
        ...plan,
        connections: share(plan.connections, k, i),
        rate: share(rate, k, i),
        durationMs: plan.durationMs - offsetMs,
      },
    });
  }
  return slices;
}

/** The i-th of k near-equal integer parts of n (the first n % k parts get one more). */
function share(n: number, k: number, i: number): number {
  return Math.floor(n / k) + (i < n % k ? 1 : 0);
}
