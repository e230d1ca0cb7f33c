/**
 * Log-bucketed latency histograms. Bucket 0 holds latencies below `minMs`; bucket i (1 ≤ i <
 * bucketCount - 1) holds [minMs·growth^(i-1), minMs·growth^i); the last bucket holds everything
 * from its lower bound up (overflow). A value is reported as its bucket's geometric midpoint, so
 * with growth 1.1 the reported value is within ±4.9 % of any value in the bucket.
 */
export interface HistogramLayout {
  /** Lower bound of bucket 1, in ms; smaller latencies land in bucket 0. */
  minMs: number;
  /** Ratio between the bounds of consecutive buckets. */
  growth: number;
  /** Number of buckets including the underflow (0) and overflow (last) buckets. */
  bucketCount: number;
}

/** Builds a layout covering [minMs, maxMs] with the given growth factor. */
export function histogramLayout(minMs: number, maxMs: number, growth: number): HistogramLayout {
  if (!(minMs > 0) || !(maxMs > minMs) || !(growth > 1)) throw new RangeError('invalid histogram layout');
  const regular = Math.ceil(Math.log(maxMs / minMs) / Math.log(growth));
  return { minMs, growth, bucketCount: regular + 2 };
}

/** The default: 0.1 ms to 120 s at ±4.9 % (149 buckets). */
export const DEFAULT_HISTOGRAM_LAYOUT: HistogramLayout = histogramLayout(0.1, 120_000, 1.1);

/** Maps a latency to its bucket and a bucket back to a representative latency. */
export class BucketScale {
  readonly layout: HistogramLayout;
  private readonly invLogGrowth: number;
  private readonly last: number;

  constructor(layout: HistogramLayout) {
    this.layout = layout;
    this.invLogGrowth = 1 / Math.log(layout.growth);
    this.last = layout.bucketCount - 1;
  }

  /** Bucket index of a latency in ms; NaN and negatives land in bucket 0. */
  bucketOf(latencyMs: number): number {
    if (!(latencyMs >= this.layout.minMs)) return 0;
    const i = 1 + Math.floor(Math.log(latencyMs / this.layout.minMs) * this.invLogGrowth);
    return i < this.last ? i : this.last;
  }

  /** Lower bound of a bucket in ms (0 for bucket 0). */
  lowerBound(bucket: number): number {
    return bucket <= 0 ? 0 : this.layout.minMs * Math.pow(this.layout.growth, bucket - 1);
  }

  /** The value reported for a bucket: its geometric midpoint; the overflow bucket reports its lower bound. */
  valueOf(bucket: number): number {
    if (bucket <= 0) return this.layout.minMs / 2;
    if (bucket >= this.last) return this.lowerBound(this.last);
    return this.layout.minMs * Math.pow(this.layout.growth, bucket - 0.5);
  }

  /**
   * The q-quantile (0 < q ≤ 1) of a histogram: the value of the bucket holding the
   * ceil(q·total)-th smallest latency; null when the histogram is empty.
   */
  quantile(counts: ArrayLike<number>, q: number): number | null {
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i];
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) return this.valueOf(i);
    }
    return this.valueOf(counts.length - 1);
  }
}
