import { describe, expect, it } from 'vitest';
import { intervalStats, windowStats } from '../../../src/analysis/stats.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import type { OutcomeKind } from '../../../src/ports/outcomes.js';

function timeline(entries: Array<[start: number, kind: OutcomeKind, cause?: string]>): TimelineRecorder {
  const rec = new TimelineRecorder({ binMs: 10 });
  for (const [start, kind, cause] of entries) rec.record({ start, latencyMs: 1, kind, cause });
  return rec;
}

describe('windowStats', () => {
  it('is all zeros for an empty window', () => {
    const s = windowStats(timeline([]), 0, 1000);
    expect(s).toMatchObject({ spanMs: 1000, requests: 0, failures: 0, failureRate: 0, byCause: {}, downtimeMs: 0 });
    expect(s.latencyMs).toEqual({ p50: null, p99: null });
  });

  it('counts bins by their start', () => {
    const rec = timeline([[5, 'ok'], [15, 'timeout'], [25, 'ok']]);
    // [3, 21): bin 0 starts at 0 (outside), bin 1 at 10 (inside), bin 2 at 20 (inside)
    expect(windowStats(rec, 3, 21).byKind).toMatchObject({ ok: 1, timeout: 1 });
    expect(windowStats(rec, 0, 10).requests).toBe(1);
  });

  it('breaks failures down by kind and cause, largest first, adding up to failures', () => {
    const rec = timeline([[0, 'ok'], [1, 'conn_refused'], [2, 'conn_refused'], [3, 'http_5xx', '57P01'],
      [4, 'http_5xx', '28P01'], [5, 'http_5xx', '28P01'], [6, 'http_5xx'], [7, 'conn_refused']]);
    const s = windowStats(rec, 0, 100);
    expect(s.failures).toBe(7);
    expect(s.failureRate).toBeCloseTo(7 / 8);
    expect(Object.entries(s.byCause)).toEqual([['conn_refused', 3], ['http_5xx:28P01', 2], ['http_5xx', 1], ['http_5xx:57P01', 1]]);
  });

  it('measures downtime across empty bins until the next success', () => {
    // failures in bins 1-2, nothing in 3-5, failure in 6, success in bin 9
    const rec = timeline([[0, 'ok'], [10, 'conn_refused'], [20, 'conn_reset'], [60, 'timeout'], [90, 'ok']]);
    expect(windowStats(rec, 0, 200).downtimeMs).toBe(80);
  });

  it('ends a span open at the window end at its last failure plus one bin', () => {
    const rec = timeline([[0, 'ok'], [10, 'conn_refused'], [40, 'conn_refused'], [200, 'ok']]);
    expect(windowStats(rec, 0, 100).downtimeMs).toBe(40);
  });

  it('does not let a downtime span cross a gap between intervals', () => {
    const rec = timeline([[0, 'ok'], [10, 'conn_refused'], [50, 'ok'], [60, 'conn_refused'], [100, 'ok']]);
    // intervals [0,20) and [60,200): bin 1 fails (span 10 ms, open at the interval end); bin 6 fails until bin 10 (40 ms)
    expect(intervalStats(rec, [[0, 20], [60, 200]]).downtimeMs).toBe(40);
    expect(intervalStats(rec, [[0, 20], [60, 200]]).requests).toBe(4);
  });
});
