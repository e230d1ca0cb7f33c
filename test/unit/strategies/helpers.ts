import type { Rand, TimelineEvent, TimelineKind } from '../../../src/strategies/strategy.js';

/** One minute / hour in ms. */
export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** A rand() that returns the given values in turn, then repeats the last. */
export function seq(...values: number[]): Rand {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}

/** A seeded pseudo-random rand() (mulberry32) for property checks that must be reproducible. */
export function seeded(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The times (in minutes, rounded to 0.01) of the events of one kind. */
export function minutesOf(events: readonly TimelineEvent[], kind: TimelineKind, lease?: number): number[] {
  return events.filter((e) => e.kind === kind && (lease === undefined || e.lease === lease)).map((e) => Math.round((e.atMs / MIN) * 100) / 100);
}
