import { KIND_INDEX, OUTCOME_KINDS, type OutcomeKind } from '../ports/outcomes.js';
import type { HistogramLayout } from './latency-histogram.js';
import type { TimelineData } from './timeline-data.js';

/** What encoding reads from a recorder (TimelineRecorder has it; named here so the codec needs no recorder). */
export interface EncodableTimeline {
  readonly binMs: number;
  readonly latencyBinMs: number;
  readonly binCount: number;
  readonly latencyBinCount: number;
  readonly dropped: number;
  readonly scale: { readonly layout: HistogramLayout };
  count(kind: number, bin: number): number;
  forEachCause(fn: (bin: number, kind: number, cause: string, count: number) => void): void;
  addLatencies(latencyBin: number, into: Float64Array): void;
}

/** What decoding writes into a fresh recorder. */
export interface DecodableTimeline {
  dropped: number;
  extendTo(binCount: number): void;
  add(kind: number, bin: number, n: number): void;
  addCause(bin: number, kind: number, cause: string, n: number): void;
  addLatency(latencyBin: number, bucket: number, n: number): void;
}

/** How decoding asks for a fresh recorder. */
export interface DecodedShape {
  binMs: number;
  latencyBinMs?: number;
  histogram: HistogramLayout;
  expectedDurationMs: number;
}

/** Encodes a recorder as TimelineData (see timeline-data.ts for the format). */
export function encodeTimeline(rec: EncodableTimeline): TimelineData {
  const ok = new Array<number>(rec.binCount);
  for (let b = 0; b < rec.binCount; b++) ok[b] = rec.count(0, b);
  const failures: TimelineData['failures'] = {};
  OUTCOME_KINDS.forEach((name, k) => {
    if (k === 0) return;
    const pairs: Array<[number, number]> = [];
    for (let b = 0; b < rec.binCount; b++) {
      const n = rec.count(k, b);
      if (n > 0) pairs.push([b, n]);
    }
    failures[name] = pairs;
  });
  const causes: TimelineData['causes'] = [];
  rec.forEachCause((bin, kind, cause, n) => causes.push([bin, OUTCOME_KINDS[kind], cause, n]));
  causes.sort((a, b) => a[0] - b[0] || KIND_INDEX[a[1] as OutcomeKind] - KIND_INDEX[b[1] as OutcomeKind]
    || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  const layout = rec.scale.layout;
  const scratch = new Float64Array(layout.bucketCount);
  const bins: TimelineData['latency']['bins'] = [];
  for (let l = 0; l < rec.latencyBinCount; l++) {
    scratch.fill(0);
    rec.addLatencies(l, scratch);
    const flat: number[] = [];
    for (let i = 0; i < scratch.length; i++) if (scratch[i] > 0) flat.push(i, scratch[i]);
    if (flat.length > 0) bins.push([l, flat]);
  }
  return {
    version: 1,
    binMs: rec.binMs,
    binCount: rec.binCount,
    ok,
    failures,
    causes,
    latency: { binMs: rec.latencyBinMs, layout: { ...layout }, bins },
    dropped: rec.dropped,
  };
}

/** Rebuilds a recorder from TimelineData; throws an Error naming the first malformed field. */
export function decodeTimeline<R extends DecodableTimeline>(
  data: TimelineData,
  make: (shape: DecodedShape) => R,
): R {
  const d = data as unknown as Record<string, unknown>;
  check(typeof d === 'object' && d !== null, 'timeline is not an object');
  check(d.version === 1, `unsupported timeline version ${String(d.version)}`);
  check(isCount(data.binCount), 'binCount');
  check(Array.isArray(data.ok) && data.ok.length === data.binCount && data.ok.every(isCount), 'ok');
  const lat = data.latency as Partial<TimelineData['latency']> | undefined;
  check(typeof lat === 'object' && lat !== null && Array.isArray(lat.bins), 'latency');
  const layout = lat.layout as HistogramLayout;
  check(typeof layout === 'object' && layout !== null && isCount(layout.bucketCount), 'latency.layout');
  const rec = make({ binMs: data.binMs, latencyBinMs: lat.binMs, histogram: { ...layout },
    expectedDurationMs: data.binCount * data.binMs });
  rec.extendTo(data.binCount);
  data.ok.forEach((n, b) => n > 0 && rec.add(0, b, n));
  check(typeof data.failures === 'object' && data.failures !== null, 'failures');
  for (const [name, pairs] of Object.entries(data.failures)) {
    const kind = kindIndex(name, 'failures');
    check(Array.isArray(pairs), `failures.${name}`);
    for (const p of pairs) {
      check(Array.isArray(p) && isCount(p[0]) && p[0] < data.binCount && isCount(p[1]), `failures.${name}`);
      rec.add(kind, p[0], p[1]);
    }
  }
  check(Array.isArray(data.causes), 'causes');
  for (const c of data.causes) {
    check(Array.isArray(c) && isCount(c[0]) && typeof c[2] === 'string' && isCount(c[3]), 'causes');
    rec.addCause(c[0], kindIndex(c[1], 'causes'), c[2], c[3]);
  }
  for (const entry of lat.bins) {
    check(Array.isArray(entry) && isCount(entry[0]) && Array.isArray(entry[1]), 'latency.bins');
    const flat = entry[1];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      check(isCount(flat[i]) && flat[i] < layout.bucketCount && isCount(flat[i + 1]), 'latency.bins');
      rec.addLatency(entry[0], flat[i], flat[i + 1]);
    }
  }
  rec.dropped = isCount(data.dropped) ? data.dropped : 0;
  return rec;
}

function kindIndex(name: unknown, field: string): number {
  const k = KIND_INDEX[name as OutcomeKind];
  check(k !== undefined && k > 0, `${field}: unknown failure kind ${String(name)}`);
  return k;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function check(cond: boolean, what: string): asserts cond {
  if (!cond) throw new Error(`malformed timeline: ${what}`);
}
