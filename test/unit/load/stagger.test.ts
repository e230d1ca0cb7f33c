import { describe, expect, it } from 'vitest';
import { staggerPlan } from '../../../src/load/stagger.js';
import type { LoadPlan } from '../../../src/ports/load.js';

const base: LoadPlan = {
  url: 'http://127.0.0.1:1', rate: 200, connections: 10, durationMs: 30_000, timeoutMs: 2000,
  request: { method: 'GET', path: '/', headers: {} }, success: { statusMin: 200, statusMax: 299 },
};

describe('staggerPlan', () => {
  it('splits rate and connections into slices started evenly over one second, ending together', () => {
    const slices = staggerPlan(base);
    expect(slices.map((s) => s.offsetMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(slices.reduce((n, s) => n + (s.plan.rate as number), 0)).toBe(200);
    expect(slices.reduce((n, s) => n + s.plan.connections, 0)).toBe(10);
    for (const s of slices) expect(s.offsetMs + s.plan.durationMs).toBe(30_000);
  });

  it('keeps every slice at one connection and one request per second at least', () => {
    const slices = staggerPlan({ ...base, rate: 3, connections: 7 });
    expect(slices).toHaveLength(3);
    expect(slices.map((s) => s.plan.rate)).toEqual([1, 1, 1]);
    expect(slices.map((s) => s.plan.connections)).toEqual([3, 2, 2]);
  });

  it('leaves max-rate load as one slice', () => {
    expect(staggerPlan({ ...base, rate: 'max' })).toEqual([{ offsetMs: 0, plan: { ...base, rate: 'max' } }]);
  });

  it('drops slices that would start after the run ends', () => {
    expect(staggerPlan({ ...base, durationMs: 250 }).map((s) => s.offsetMs)).toEqual([0, 100, 200]);
  });
});
