import { OUTCOME_KINDS, type OutcomeKind, type OutcomeSink, type RequestOutcome } from '../ports/outcomes.js';
import { BucketScale, DEFAULT_HISTOGRAM_LAYOUT, type HistogramLayout } from './latency-histogram.js';
import type { TimelineData, TimelineView } from './timeline-data.js';
import { decodeTimeline, encodeTimeline } from './timeline-codec.js';
import { mergeChunk, outcomeCell, type OutcomeChunk } from './outcome-chunk.js';

const KINDS = OUTCOME_KINDS.length;

/** Options of a TimelineRecorder. */
export interface TimelineRecorderOptions {
  /** Width of a count bin in ms (the scenario's `analysis.binMs`, default 10). */
  binMs: number;
  /** Width of a latency-histogram bin in ms; default 100. */
  latencyBinMs?: number;
  /** Expected run length, to size the arrays once instead of growing them. */
  expectedDurationMs?: number;
  /** Histogram bucket layout; default 0.1 ms–120 s at ±4.9 %. */
  histogram?: HistogramLayout;
}

/** Cheap live totals for the progress view. */
export interface TimelineSnapshot {
  requests: number;
  failures: number;
  byKind: Record<OutcomeKind, number>;
  /** Failures by `kind:cause` (or `kind` when recorded without a cause). */
  byCause: Record<string, number>;
  /** Requests started per second over the last full second before `now` (or the latest start). */
  lastSecondRps: number;
  /** Outcomes not recorded (start outside the 24 h horizon). */
  dropped: number;
}

/**
 * Constant-memory recorder of request outcomes: counts per kind per time bin (typed arrays that
 * grow by doubling), sparse failure causes, and one log-bucketed latency histogram per latency
 * bin. `record` is O(1) and allocates nothing unless an array grows or a new (bin, kind, cause)
 * appears. Memory grows with run time, not with request count.
 */
export class TimelineRecorder implements OutcomeSink, TimelineView {
  readonly binMs: number;
  readonly latencyBinMs: number;
  readonly scale: BucketScale;
  binCount = 0;
  latencyBinCount = 0;
  dropped = 0;
  private readonly buckets: number;
  private counts: Uint32Array[];
  private hist: Uint32Array;
  /** Key bin·KINDS + kind → cause → count. */
  private readonly causes = new Map<number, Map<string, number>>();
  private readonly totals = new Float64Array(KINDS);
  private readonly causeTotals: Array<Map<string, number>> = OUTCOME_KINDS.map(() => new Map());
  private latestStart = 0;

  constructor(opts: TimelineRecorderOptions) {
    if (!(opts.binMs > 0)) throw new RangeError('binMs must be positive');
    this.binMs = opts.binMs;
    this.latencyBinMs = opts.latencyBinMs ?? 100;
    if (!(this.latencyBinMs > 0)) throw new RangeError('latencyBinMs must be positive');
    this.scale = new BucketScale(opts.histogram ?? DEFAULT_HISTOGRAM_LAYOUT);
    this.buckets = this.scale.layout.bucketCount;
    const expected = opts.expectedDurationMs ?? 0;
    const bins = Math.max(1024, Math.ceil(expected / this.binMs) + 1);
    this.counts = OUTCOME_KINDS.map(() => new Uint32Array(bins));
    this.hist = new Uint32Array(Math.max(64, Math.ceil(expected / this.latencyBinMs) + 1) * this.buckets);
  }

  /** Rebuilds a recorder from `toData()` output (e.g. read from timeline.json). Throws on a malformed object. */
  static fromData(data: TimelineData): TimelineRecorder {
    return decodeTimeline(data, (opts) => new TimelineRecorder(opts));
  }

  record(outcome: RequestOutcome): void {
    // NaN fails the horizon check too, so it is dropped rather than piled into bin 0.
    const c = outcomeCell(outcome, this.binMs, this.latencyBinMs, this.scale);
    if (!c) {
      this.dropped++;
      return;
    }
    this.add(c.kind, c.bin, 1);
    // A request never sent has no latency; it must not pull the percentiles of the ones that were.
    if (c.latency) this.addLatency(c.latency.bin, c.latency.bucket, 1);
    if (c.cause !== undefined) this.addCause(c.bin, c.kind, c.cause, 1);
    if (c.start > this.latestStart) this.latestStart = c.start;
  }

  get binLayout(): { binMs: number; latencyBinMs: number } {
    return { binMs: this.binMs, latencyBinMs: this.latencyBinMs };
  }

  /** Adds a load worker's chunk (outcome-chunk.ts); `latestStart` moves to its last count bin. */
  merge(chunk: OutcomeChunk): void {
    mergeChunk(this, chunk);
    for (const [bin] of chunk.counts) if (bin * this.binMs > this.latestStart) this.latestStart = bin * this.binMs;
  }

  /** Live totals; `nowMs` (run clock) sets the end of the last-second rate, default the latest start seen. */
  snapshot(nowMs?: number): TimelineSnapshot {
    const byKind = {} as Record<OutcomeKind, number>;
    const byCause: Record<string, number> = {};
    let requests = 0;
    OUTCOME_KINDS.forEach((name, k) => {
      byKind[name] = this.totals[k];
      requests += this.totals[k];
      if (k === 0) return;
      let withCause = 0;
      for (const [cause, n] of this.causeTotals[k]) {
        byCause[`${name}:${cause}`] = n;
        withCause += n;
      }
      if (this.totals[k] > withCause) byCause[name] = this.totals[k] - withCause;
    });
    // The bin holding `now` is still filling, so the rate covers the full bins before it.
    const endBin = Math.floor(Math.max(0, nowMs ?? this.latestStart) / this.binMs);
    const startBin = Math.max(0, endBin - Math.ceil(1000 / this.binMs));
    let recent = 0;
    for (let b = startBin; b < endBin && b < this.binCount; b++) for (let k = 0; k < KINDS; k++) recent += this.counts[k][b];
    const spanS = ((endBin - startBin) * this.binMs) / 1000;
    return {
      requests,
      failures: requests - this.totals[0],
      byKind,
      byCause,
      lastSecondRps: spanS > 0 ? recent / spanS : 0,
      dropped: this.dropped,
    };
  }

  /** A plain JSON-serialisable copy of everything recorded. */
  toData(): TimelineData {
    return encodeTimeline(this);
  }

  count(kind: number, bin: number): number {
    return bin >= 0 && bin < this.binCount ? this.counts[kind][bin] : 0;
  }

  forEachCause(fn: (bin: number, kind: number, cause: string, count: number) => void): void {
    for (const [key, causes] of this.causes) {
      const kind = key % KINDS;
      const bin = (key - kind) / KINDS;
      for (const [cause, n] of causes) fn(bin, kind, cause, n);
    }
  }

  addLatencies(latencyBin: number, into: Float64Array): void {
    if (latencyBin < 0 || latencyBin >= this.latencyBinCount) return;
    const base = latencyBin * this.buckets;
    for (let i = 0; i < this.buckets; i++) into[i] += this.hist[base + i];
  }

  /** Adds `n` requests of a kind to a bin (also used when decoding). */
  add(kind: number, bin: number, n: number): void {
    if (bin >= this.counts[0].length) this.growCounts(bin);
    this.counts[kind][bin] += n;
    this.totals[kind] += n;
    if (bin >= this.binCount) this.binCount = bin + 1;
  }

  /** Adds `n` latencies to one bucket of a latency bin (also used when decoding). */
  addLatency(latencyBin: number, bucket: number, n: number): void {
    const at = latencyBin * this.buckets + bucket;
    if (at >= this.hist.length) this.growHist(latencyBin);
    this.hist[at] += n;
    if (latencyBin >= this.latencyBinCount) this.latencyBinCount = latencyBin + 1;
  }

  /** Adds `n` failures with a cause (also used when decoding). */
  addCause(bin: number, kind: number, cause: string, n: number): void {
    const key = bin * KINDS + kind;
    let causes = this.causes.get(key);
    if (causes === undefined) this.causes.set(key, (causes = new Map()));
    causes.set(cause, (causes.get(cause) ?? 0) + n);
    const totals = this.causeTotals[kind];
    totals.set(cause, (totals.get(cause) ?? 0) + n);
  }

  /** Raises the bin count without adding requests, so a decoded timeline keeps its length. */
  extendTo(binCount: number): void {
    if (binCount > this.counts[0].length) this.growCounts(binCount - 1);
    if (binCount > this.binCount) this.binCount = binCount;
  }

  private growCounts(bin: number): void {
    const size = Math.max(bin + 1, this.counts[0].length * 2);
    this.counts = this.counts.map((old) => {
      const next = new Uint32Array(size);
      next.set(old);
      return next;
    });
  }

  private growHist(latencyBin: number): void {
    const size = Math.max((latencyBin + 1) * this.buckets, this.hist.length * 2);
    const next = new Uint32Array(size);
    next.set(this.hist);
    this.hist = next;
  }
}
