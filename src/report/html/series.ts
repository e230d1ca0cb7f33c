import { OUTCOME_KINDS, type OutcomeKind } from '../../ports/outcomes.js';
import type { TimelineData } from '../../recorder/timeline-data.js';

/** A non-`ok` outcome kind. */
export type FailureKind = Exclude<OutcomeKind, 'ok'>;

/** Failure kinds in OUTCOME_KINDS order (the stacking order of the chart). */
export const FAILURE_KINDS = OUTCOME_KINDS.filter((k): k is FailureKind => k !== 'ok');

/**
 * Per-interval rates of a run's measured range, what the SVG timeline draws. Bucket i covers
 * [i·bucketMs, i·bucketMs + spanMs[i]) ms after `fromMs`; a request counts in the bucket holding
 * the start of its timeline bin, the rule the analysis uses for windows.
 */
export interface TimelineSeries {
  /** Start of the measured range, run-clock ms (x = 0). */
  fromMs: number;
  /** End of the measured range, run-clock ms. */
  toMs: number;
  /** Nominal bucket width in ms (a multiple of the timeline's bin width). */
  bucketMs: number;
  /** Actual width of each bucket in ms; only the last may differ from bucketMs. */
  spanMs: number[];
  /** Requests started per second (all outcomes), per bucket. */
  requestsPerSec: number[];
  /** Failed requests per second by kind, per bucket; only kinds that occurred in the range. */
  failuresPerSec: Partial<Record<FailureKind, number[]>>;
  /** Failure kinds that occurred, in OUTCOME_KINDS order. */
  kinds: FailureKind[];
  /** Failed requests per kind over the whole range (for the legend). */
  failureTotals: Partial<Record<FailureKind, number>>;
}

/** Nominal bucket widths tried in order; the first that keeps the point count in budget wins. */
const BUCKET_CANDIDATES_MS = [250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];

/**
 * Turns a timeline into per-bucket rates over [fromMs, toMs). The bucket width is the smallest
 * candidate (from 250 ms) giving at most `maxPoints` buckets, so a one-hour run still makes a
 * small SVG. A trailing bucket shorter than half the width is merged into the one before, so a
 * few milliseconds of tail cannot show as a spike.
 */
export function buildSeries(timeline: TimelineData, fromMs: number, toMs: number, maxPoints = 2000): TimelineSeries {
  const rangeMs = Math.max(0, toMs - fromMs);
  const bucketMs = chooseBucket(rangeMs, timeline.binMs, maxPoints);
  const spanMs = bucketSpans(rangeMs, bucketMs);
  const n = spanMs.length;
  const bucketOf = (bin: number): number => {
    const t = bin * timeline.binMs;
    if (t < fromMs || t >= toMs) return -1;
    return Math.min(n - 1, Math.floor((t - fromMs) / bucketMs));
  };
  const requests = new Array<number>(n).fill(0);
  timeline.ok.forEach((count, bin) => {
    const i = bucketOf(bin);
    if (i >= 0) requests[i] += count;
  });
  const failuresPerSec: TimelineSeries['failuresPerSec'] = {};
  const failureTotals: TimelineSeries['failureTotals'] = {};
  const kinds: FailureKind[] = [];
  for (const kind of FAILURE_KINDS) {
    const counts = new Array<number>(n).fill(0);
    let total = 0;
    for (const [bin, count] of timeline.failures[kind] ?? []) {
      const i = bucketOf(bin);
      if (i < 0) continue;
      counts[i] += count;
      requests[i] += count;
      total += count;
    }
    if (total === 0) continue;
    kinds.push(kind);
    failureTotals[kind] = total;
    failuresPerSec[kind] = counts.map((c, i) => perSecond(c, spanMs[i]));
  }
  return {
    fromMs,
    toMs,
    bucketMs,
    spanMs,
    requestsPerSec: requests.map((c, i) => perSecond(c, spanMs[i])),
    failuresPerSec,
    kinds,
    failureTotals,
  };
}

function chooseBucket(rangeMs: number, binMs: number, maxPoints: number): number {
  const fit = (ms: number) => Math.ceil(ms / binMs) * binMs;
  for (const candidate of BUCKET_CANDIDATES_MS) {
    const width = fit(candidate);
    if (Math.ceil(rangeMs / width) <= maxPoints) return width;
  }
  return fit(Math.ceil(rangeMs / maxPoints));
}

function bucketSpans(rangeMs: number, bucketMs: number): number[] {
  if (rangeMs <= 0) return [];
  const spans: number[] = [];
  for (let start = 0; start < rangeMs; start += bucketMs) spans.push(Math.min(bucketMs, rangeMs - start));
  if (spans.length > 1 && spans[spans.length - 1] < bucketMs / 2) spans[spans.length - 2] += spans.pop()!;
  return spans;
}

/** Rate per second rounded to 0.1, enough for a chart and a readout. */
function perSecond(count: number, spanMs: number): number {
  return spanMs > 0 ? Math.round((count * 10_000) / spanMs) / 10 : 0;
}
