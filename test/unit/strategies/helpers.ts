import type { Rand, TimelineEvent, TimelineKind } from '../../../src/strategies/strategy.js';
import { seededRandom } from '../../support/seeded-random.js';

/** One minute / hour in ms. */
export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** A rand() that returns the given values in turn, then repeats the last. */
export function seq(...values: number[]): Rand {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}

/** A seeded pseudo-random rand() (mulberry32) for property checks that must be reproducible. */
export const seeded: (seed: number) => Rand = seededRandom;

/** The times (in minutes, rounded to 0.01) of the events of one kind. */
export function minutesOf(events: readonly TimelineEvent[], kind: TimelineKind, lease?: number): number[] {
  return events.filter((e) => e.kind === kind && (lease === undefined || e.lease === lease)).map((e) => Math.round((e.atMs / MIN) * 100) / 100);
}
