import { BucketScale, DEFAULT_HISTOGRAM_LAYOUT } from '../recorder/latency-histogram.js';

/**
 * How late the open-model generator sent requests against their schedule: a histogram of
 * (send time − scheduled time). Large values mean vaultctl's own process could not keep up
 * (CPU, a blocked event loop), not the workload; latency already includes them.
 */
export class SendLag {
  private readonly scale = new BucketScale(DEFAULT_HISTOGRAM_LAYOUT);
  private readonly counts = new Float64Array(DEFAULT_HISTOGRAM_LAYOUT.bucketCount);
  private n = 0;
  private maxMs = 0;

  add(lagMs: number): void {
    this.counts[this.scale.bucketOf(lagMs)]++;
    this.n++;
    if (lagMs > this.maxMs) this.maxMs = lagMs;
  }

  /** p99 and max in ms (0 when nothing was sent); p99 is a bucket midpoint (±5 %), never above max. */
  summary(): { p99: number; max: number } {
    if (this.n === 0) return { p99: 0, max: 0 };
    const p99 = this.scale.quantile(this.counts, 0.99) ?? this.maxMs;
    return { p99: round(Math.min(p99, this.maxMs)), max: round(this.maxMs) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
