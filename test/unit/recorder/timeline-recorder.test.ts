import { describe, expect, it } from 'vitest';
import { BucketScale, DEFAULT_HISTOGRAM_LAYOUT } from '../../../src/recorder/latency-histogram.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { KIND_INDEX } from '../../../src/ports/outcomes.js';

describe('TimelineRecorder', () => {
  it('counts outcomes per kind in the bin of their start, clamping negative starts to bin 0', () => {
    const rec = new TimelineRecorder({ binMs: 10 });
    rec.record({ start: -5, latencyMs: 1, kind: 'ok' });
    rec.record({ start: 9.99, latencyMs: 1, kind: 'ok' });
    rec.record({ start: 10, latencyMs: 1, kind: 'ok' });
    rec.record({ start: 25, latencyMs: 1, kind: 'conn_refused' });
    rec.record({ start: 25, latencyMs: 1, kind: 'http_5xx', cause: '28P01' });
    expect(rec.count(KIND_INDEX.ok, 0)).toBe(2);
    expect(rec.count(KIND_INDEX.ok, 1)).toBe(1);
    expect(rec.count(KIND_INDEX.conn_refused, 2)).toBe(1);
    expect(rec.count(KIND_INDEX.http_5xx, 2)).toBe(1);
    expect(rec.binCount).toBe(3);
    const causes: unknown[] = [];
    rec.forEachCause((bin, kind, cause, n) => causes.push([bin, kind, cause, n]));
    expect(causes).toEqual([[2, KIND_INDEX.http_5xx, '28P01', 1]]);
  });

  it('grows past its initial size and drops starts beyond the horizon', () => {
    const rec = new TimelineRecorder({ binMs: 1, latencyBinMs: 1 });
    rec.record({ start: 500_000, latencyMs: 3, kind: 'ok' });
    rec.record({ start: Number.NaN, latencyMs: 3, kind: 'ok' });
    rec.record({ start: 1e12, latencyMs: 3, kind: 'ok' });
    expect(rec.count(0, 500_000)).toBe(1);
    expect(rec.binCount).toBe(500_001);
    expect(rec.dropped).toBe(2);
  });

  it('snapshot gives live totals, causes and the last-second rate', () => {
    const rec = new TimelineRecorder({ binMs: 10 });
    for (let t = 0; t < 2000; t += 5) rec.record({ start: t, latencyMs: 2, kind: 'ok' }); // 200 req/s
    rec.record({ start: 1500, latencyMs: 0, kind: 'conn_refused' });
    rec.record({ start: 1500, latencyMs: 4, kind: 'http_5xx', cause: '57P01' });
    rec.record({ start: 1501, latencyMs: 4, kind: 'http_5xx', cause: '57P01' });
    rec.record({ start: 1502, latencyMs: 4, kind: 'http_5xx' });
    const snap = rec.snapshot(2000);
    expect(snap.requests).toBe(404);
    expect(snap.failures).toBe(4);
    expect(snap.byKind.ok).toBe(400);
    expect(snap.byCause).toEqual({ conn_refused: 1, 'http_5xx:57P01': 2, http_5xx: 1 });
    expect(snap.lastSecondRps).toBe(204);
  });

  it('reports percentiles within the histogram precision', () => {
    const rec = new TimelineRecorder({ binMs: 10 });
    // latencies 1..1000 ms: exact p50 = 500, p99 = 990
    for (let i = 1; i <= 1000; i++) rec.record({ start: i, latencyMs: i, kind: 'ok' });
    const sum = new Float64Array(rec.scale.layout.bucketCount);
    for (let l = 0; l < rec.latencyBinCount; l++) rec.addLatencies(l, sum);
    const p50 = rec.scale.quantile(sum, 0.5)!;
    const p99 = rec.scale.quantile(sum, 0.99)!;
    expect(Math.abs(p50 / 500 - 1)).toBeLessThan(0.05);
    expect(Math.abs(p99 / 990 - 1)).toBeLessThan(0.05);
  });

  it('has ±5 % buckets from 0.1 ms to 120 s', () => {
    const scale = new BucketScale(DEFAULT_HISTOGRAM_LAYOUT);
    for (let v = 0.1; v < 120_000; v *= 1.013) {
      const rep = scale.valueOf(scale.bucketOf(v));
      expect(Math.abs(rep / v - 1)).toBeLessThan(0.05);
    }
    expect(scale.bucketOf(0.01)).toBe(0);
    expect(scale.bucketOf(1e9)).toBe(DEFAULT_HISTOGRAM_LAYOUT.bucketCount - 1);
    expect(DEFAULT_HISTOGRAM_LAYOUT.bucketCount).toBeLessThan(160);
  });

  it('survives toData → JSON → fromData unchanged', () => {
    const rec = new TimelineRecorder({ binMs: 10, latencyBinMs: 50 });
    const kinds = ['ok', 'ok', 'ok', 'http_5xx', 'conn_reset', 'timeout'] as const;
    for (let i = 0; i < 3000; i++) {
      const kind = kinds[i % kinds.length];
      rec.record({ start: i * 0.7, latencyMs: (i % 97) + 0.3, kind, cause: kind === 'http_5xx' ? (i % 2 ? '28P01' : '57P01') : undefined });
    }
    const data = rec.toData();
    const copy = TimelineRecorder.fromData(JSON.parse(JSON.stringify(data)));
    expect(copy.toData()).toEqual(data);
    expect(copy.snapshot(2100)).toEqual(rec.snapshot(2100));
  });

  it('refuses a malformed timeline', () => {
    const data = new TimelineRecorder({ binMs: 10 }).toData();
    expect(() => TimelineRecorder.fromData({ ...data, version: 2 as 1 })).toThrow(/version/);
    expect(() => TimelineRecorder.fromData({ ...data, failures: { bogus: [[0, 1]] } })).toThrow(/unknown failure kind/);
  });
});
