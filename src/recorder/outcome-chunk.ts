import { KIND_INDEX, type OutcomeChunk, type OutcomeSink, type RequestOutcome } from '../ports/outcomes.js';

export type { OutcomeChunk };
import { BucketScale, DEFAULT_HISTOGRAM_LAYOUT, type HistogramLayout } from './latency-histogram.js';

/*
 * Issue 13: a load worker sends its outcomes binned as the recorder bins them, not one line per
 * request. A chunk holds what was recorded since the last flush, as sparse cells; merged into the
 * run's TimelineRecorder it gives the same counts, causes and latency histograms as recording
 * each outcome there (a unit test checks both ways agree).
 */

const OTHER = KIND_INDEX.other;
const NOT_SENT = KIND_INDEX.not_sent;
/** Starts further out than this are dropped: a wild clock value must not allocate gigabytes. */
const HORIZON_MS = 24 * 3600_000;

/** Where one outcome lands: its kind, count bin, and (unless never sent) latency bin and bucket. */
export interface OutcomeCell {
  kind: number;
  bin: number;
  /** Undefined for not_sent: a request never sent has no latency. */
  latency?: { bin: number; bucket: number };
  /** Set for a failure with a cause. */
  cause?: string;
  start: number;
}

/** Bins one outcome; undefined when its start is outside the 24 h horizon (NaN included). */
export function outcomeCell(o: RequestOutcome, binMs: number, latencyBinMs: number, scale: BucketScale): OutcomeCell | undefined {
  if (!(o.start < HORIZON_MS)) return undefined;
  const start = o.start > 0 ? o.start : 0;
  const kind = KIND_INDEX[o.kind] ?? OTHER;
  return {
    kind, start, bin: Math.floor(start / binMs),
    ...(kind !== NOT_SENT ? { latency: { bin: Math.floor(start / latencyBinMs), bucket: scale.bucketOf(o.latencyMs) } } : {}),
    ...(kind !== 0 && o.cause !== undefined ? { cause: o.cause } : {}),
  };
}

/** The bin layout a worker must share with the recorder it feeds. */
export interface ChunkLayout {
  binMs: number;
  latencyBinMs: number;
  histogram?: HistogramLayout;
}

/** What a chunk is merged into (TimelineRecorder's additive methods). */
export interface ChunkTarget {
  dropped: number;
  add(kind: number, bin: number, n: number): void;
  addCause(bin: number, kind: number, cause: string, n: number): void;
  addLatency(latencyBin: number, bucket: number, n: number): void;
}

/** Collects outcomes between flushes; `take` returns them as a chunk and starts empty again. */
export class ChunkRecorder implements OutcomeSink {
  private readonly scale: BucketScale;
  private counts = new Map<string, number>();
  private causes = new Map<string, number>();
  private latencies = new Map<string, number>();
  private dropped = 0;
  /** Outcomes recorded since the recorder was made (not reset by take). */
  recorded = 0;

  constructor(private readonly layout: ChunkLayout) {
    this.scale = new BucketScale(layout.histogram ?? DEFAULT_HISTOGRAM_LAYOUT);
  }

  record(o: RequestOutcome): void {
    this.recorded++;
    const c = outcomeCell(o, this.layout.binMs, this.layout.latencyBinMs, this.scale);
    if (!c) {
      this.dropped++;
      return;
    }
    bump(this.counts, `${c.bin}|${c.kind}`);
    if (c.latency) bump(this.latencies, `${c.latency.bin}|${c.latency.bucket}`);
    // The cause after the last separator may itself hold `|`: split only the first two.
    if (c.cause !== undefined) bump(this.causes, `${c.bin}|${c.kind}|${c.cause}`);
  }

  /** Everything since the last take; undefined when nothing was recorded. */
  take(): OutcomeChunk | undefined {
    if (this.counts.size === 0 && this.dropped === 0) return undefined;
    const chunk: OutcomeChunk = {
      counts: [...this.counts].map(([k, n]) => { const [b, kind] = k.split('|').map(Number); return [b, kind, n]; }),
      causes: [...this.causes].map(([k, n]) => {
        const i = k.indexOf('|');
        const j = k.indexOf('|', i + 1);
        return [Number(k.slice(0, i)), Number(k.slice(i + 1, j)), k.slice(j + 1), n];
      }),
      latencies: [...this.latencies].map(([k, n]) => { const [b, bucket] = k.split('|').map(Number); return [b, bucket, n]; }),
      dropped: this.dropped,
    };
    this.counts = new Map();
    this.causes = new Map();
    this.latencies = new Map();
    this.dropped = 0;
    return chunk;
  }
}

/** Adds a chunk's cells to a recorder. */
export function mergeChunk(into: ChunkTarget, chunk: OutcomeChunk): void {
  for (const [bin, kind, n] of chunk.counts) into.add(kind, bin, n);
  for (const [bin, kind, cause, n] of chunk.causes) into.addCause(bin, kind, cause, n);
  for (const [bin, bucket, n] of chunk.latencies) into.addLatency(bin, bucket, n);
  into.dropped += chunk.dropped;
}

/** Requests a chunk counts (all kinds). */
export function chunkRequests(chunk: OutcomeChunk): number {
  return chunk.counts.reduce((sum, [, , n]) => sum + n, 0);
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}
