import type { BucketScale, HistogramLayout } from './latency-histogram.js';

/**
 * The recorded timeline of a run as a plain JSON object (`timeline.json` in a results
 * directory). Times are bins of monotonic ms since the run's time zero; a request belongs to the
 * bin holding its start time. Sparse lists are sorted by bin and hold no zero counts.
 */
export interface TimelineData {
  /** Format version of this object; a reader refuses versions it does not know. */
  version: 1;
  /** Width of a count bin in ms: bin b covers [b·binMs, (b+1)·binMs). */
  binMs: number;
  /** Number of count bins covered (highest used bin + 1); `ok` has exactly this length. */
  binCount: number;
  /** Successful requests per bin, dense (`ok[b]` = requests started in bin b that succeeded). */
  ok: number[];
  /**
   * Failed requests per non-`ok` outcome kind, as sparse `[bin, count]` pairs. Every non-ok kind
   * of OUTCOME_KINDS is present (an empty list when it never happened).
   */
  failures: Record<string, Array<[bin: number, count: number]>>;
  /**
   * Failure causes (SQLSTATE, errno, `no_endpoints`...) as `[bin, kind, cause, count]`. Failures
   * recorded without a cause appear only in `failures`.
   */
  causes: Array<[bin: number, kind: string, cause: string, count: number]>;
  /** Latency histograms of all requests (ok and failed together), one per latency bin. */
  latency: {
    /** Width of a latency bin in ms (default 100): latency bin l covers [l·binMs, (l+1)·binMs). */
    binMs: number;
    /** Bucket layout shared by every histogram; see latency-histogram.ts. */
    layout: HistogramLayout;
    /** Non-empty histograms as `[latencyBin, [bucket, count, bucket, count, ...]]`. */
    bins: Array<[latencyBin: number, bucketCounts: number[]]>;
  };
  /** Outcomes not recorded because their start was not a finite time within the 24 h horizon. */
  dropped: number;
}

/** Read access to a timeline, implemented by TimelineRecorder; what the analysis consumes. */
export interface TimelineView {
  /** Width of a count bin in ms. */
  readonly binMs: number;
  /** Count bins [0, binCount) may hold data. */
  readonly binCount: number;
  /** Width of a latency bin in ms. */
  readonly latencyBinMs: number;
  /** Latency bins [0, latencyBinCount) may hold data. */
  readonly latencyBinCount: number;
  /** Bucket mapping of the latency histograms. */
  readonly scale: BucketScale;
  /** Requests of one kind (index into OUTCOME_KINDS) that started in a bin. */
  count(kind: number, bin: number): number;
  /** Visits every recorded (bin, kind index, cause, count). */
  forEachCause(fn: (bin: number, kind: number, cause: string, count: number) => void): void;
  /** Adds the histogram of one latency bin to `into` (length = bucketCount). */
  addLatencies(latencyBin: number, into: Float64Array): void;
}
