import { OUTCOME_KINDS, type OutcomeKind } from '../ports/outcomes.js';
import type { TimelineView } from '../recorder/timeline-data.js';

/** A half-open time range [fromMs, toMs) in run-clock ms. */
export type Interval = readonly [fromMs: number, toMs: number];

/**
 * Request statistics of a time window. A bin (count or latency) belongs to the window when its
 * start lies in it, so bins straddling an edge count on the side where they start and adjacent
 * windows never share a bin.
 */
export interface WindowStats {
  /** Length of the window in ms (sum of its intervals). */
  spanMs: number;
  /** Requests started in the window: every scheduled request, `not_sent` included (one outcome each). */
  requests: number;
  /** Requests the load schedule asked for in the window (= `requests`). */
  scheduled: number;
  /** Requests actually sent: `scheduled` − `notSent`. */
  sent: number;
  /**
   * Requests answered with an HTTP response: ok, http_4xx, http_5xx and body_error (the load
   * generator's `completed`; named apart from a rollout's `completed` flag).
   */
  answered: number;
  /** Scheduled requests the open-model generator could not start (outcome `not_sent`, a failure). */
  notSent: number;
  /** Requests started in the window whose outcome was anything but `ok`. */
  failures: number;
  /** failures / requests; 0 when there were no requests. */
  failureRate: number;
  /** Requests per outcome kind; every kind is present. */
  byKind: Record<OutcomeKind, number>;
  /**
   * Failures by cause, keyed `kind:cause` (e.g. `http_5xx:28P01`) or just `kind` for failures
   * recorded without a cause; values add up to `failures`. Ordered by count, largest first.
   */
  byCause: Record<string, number>;
  /** Latency percentiles in ms of all requests (ok and failed), from the histograms; null without requests. */
  latencyMs: { p50: number | null; p99: number | null };
  /**
   * Longest span with requests failing and none succeeding: from the first bin with failures and
   * no success to the next bin with a success (empty bins in between neither break nor end it);
   * a span open at the window end ends at its last failure bin's end. Bin resolution.
   */
  downtimeMs: number;
}

/** Outcome kinds that mean an HTTP response came back (whatever its status or body). */
const ANSWERED: readonly OutcomeKind[] = ['ok', 'http_4xx', 'http_5xx', 'body_error'];

/** Statistics of requests started in [fromMs, toMs). */
export function windowStats(timeline: TimelineView, fromMs: number, toMs: number): WindowStats {
  return intervalStats(timeline, [[fromMs, toMs]]);
}

/** Statistics over a union of intervals (overlaps are merged; downtime spans do not cross gaps). */
export function intervalStats(timeline: TimelineView, intervals: readonly Interval[]): WindowStats {
  const merged = mergeIntervals(intervals);
  const ranges = merged.map(([from, to]) => binRange(from, to, timeline.binMs));
  const byKind = {} as Record<OutcomeKind, number>;
  const kindTotals = OUTCOME_KINDS.map((_, k) => {
    let n = 0;
    for (const [b0, b1] of ranges) for (let b = b0; b < b1; b++) n += timeline.count(k, b);
    return n;
  });
  OUTCOME_KINDS.forEach((name, k) => (byKind[name] = kindTotals[k]));
  const requests = kindTotals.reduce((a, b) => a + b, 0);
  const failures = requests - kindTotals[0];
  const answered = ANSWERED.reduce((n, kind) => n + byKind[kind], 0);
  return {
    spanMs: merged.reduce((sum, [from, to]) => sum + (to - from), 0),
    requests,
    scheduled: requests,
    sent: requests - byKind.not_sent,
    answered,
    notSent: byKind.not_sent,
    failures,
    failureRate: requests > 0 ? failures / requests : 0,
    byKind,
    byCause: causesIn(timeline, ranges, kindTotals),
    latencyMs: latencyIn(timeline, merged),
    downtimeMs: Math.max(0, ...ranges.map(([b0, b1]) => longestDowntime(timeline, b0, b1))),
  };
}

/** Sorts intervals and merges overlapping or touching ones; empty intervals vanish. */
export function mergeIntervals(intervals: readonly Interval[]): Array<[number, number]> {
  const sorted = intervals.filter(([f, t]) => t > f).map(([f, t]): [number, number] => [f, t]).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else out.push(iv);
  }
  return out;
}

/** Bins whose start lies in [from, to), as [first, end). */
function binRange(from: number, to: number, width: number): [number, number] {
  const b0 = Math.max(0, Math.ceil(from / width));
  return [b0, Math.max(b0, Math.ceil(to / width))];
}

function causesIn(timeline: TimelineView, ranges: Array<[number, number]>, kindTotals: number[]): Record<string, number> {
  const counts = new Map<string, number>();
  const withCause = kindTotals.map(() => 0);
  timeline.forEachCause((bin, kind, cause, n) => {
    if (!ranges.some(([b0, b1]) => bin >= b0 && bin < b1)) return;
    const key = `${OUTCOME_KINDS[kind]}:${cause}`;
    counts.set(key, (counts.get(key) ?? 0) + n);
    withCause[kind] += n;
  });
  for (let k = 1; k < kindTotals.length; k++) {
    if (kindTotals[k] > withCause[k]) counts.set(OUTCOME_KINDS[k], kindTotals[k] - withCause[k]);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return Object.fromEntries(sorted);
}

function latencyIn(timeline: TimelineView, merged: Array<[number, number]>): WindowStats['latencyMs'] {
  const sum = new Float64Array(timeline.scale.layout.bucketCount);
  for (const [from, to] of merged) {
    const [l0, l1] = binRange(from, to, timeline.latencyBinMs);
    for (let l = l0; l < l1 && l < timeline.latencyBinCount; l++) timeline.addLatencies(l, sum);
  }
  return { p50: timeline.scale.quantile(sum, 0.5), p99: timeline.scale.quantile(sum, 0.99) };
}

function longestDowntime(timeline: TimelineView, b0: number, b1: number): number {
  let longest = 0;
  let spanStart = -1;
  let lastFailBin = -1;
  const end = Math.min(b1, timeline.binCount);
  for (let b = b0; b < end; b++) {
    const ok = timeline.count(0, b);
    let failed = 0;
    for (let k = 1; k < OUTCOME_KINDS.length; k++) failed += timeline.count(k, b);
    if (ok > 0) {
      if (spanStart >= 0) longest = Math.max(longest, (b - spanStart) * timeline.binMs);
      spanStart = -1;
    } else if (failed > 0) {
      if (spanStart < 0) spanStart = b;
      lastFailBin = b;
    }
  }
  if (spanStart >= 0) longest = Math.max(longest, (lastFailBin + 1 - spanStart) * timeline.binMs);
  return longest;
}
