import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from '../../../src/load/arrival-schedule.js';

function drain(s: ArrivalSchedule, nowMs: number): number[] {
  const out: number[] = [];
  s.takeDue(nowMs, (_i, t) => out.push(t));
  return out;
}

describe('ArrivalSchedule', () => {
  it('holds ⌊duration × rate⌋ requests spaced 1/rate apart from the start', () => {
    const s = new ArrivalSchedule(1000, 100, 30_000);
    expect(s.total).toBe(3000);
    expect(s.timeOf(0)).toBe(1000);
    expect(s.timeOf(250)).toBe(3500);
    expect(new ArrivalSchedule(0, 3, 1000).total).toBe(3);
    expect(new ArrivalSchedule(0, 7.5, 2000).total).toBe(15);
  });

  it('hands out what is due at a time, once, in order, however late it is asked', () => {
    const s = new ArrivalSchedule(0, 1000, 10);
    expect(drain(s, -1)).toEqual([]);
    expect(drain(s, 2.5)).toEqual([0, 1, 2]);
    expect(drain(s, 2.5)).toEqual([]);
    expect(s.waitMs(2.5)).toBeCloseTo(0.5);
    // A late caller gets everything overdue at once: nothing is lost or skipped.
    expect(drain(s, 100)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(s.done).toBe(true);
    expect(s.waitMs(100)).toBeUndefined();
  });

  it('cancel stops the schedule and says how many were never handed out', () => {
    const s = new ArrivalSchedule(0, 100, 1000);
    drain(s, 95);
    expect(s.issued).toBe(10);
    expect(s.cancel()).toBe(90);
    expect(s.done).toBe(true);
    expect(drain(s, 5000)).toEqual([]);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new ArrivalSchedule(0, 0, 1000)).toThrow(RangeError);
    expect(() => new ArrivalSchedule(0, -5, 1000)).toThrow(RangeError);
    expect(() => new ArrivalSchedule(0, Infinity, 1000)).toThrow(RangeError);
  });
});

describe('ArrivalSchedule parts (load workers)', () => {
  it('N parts hand out exactly the whole schedule, each request once, at its own time', () => {
    for (const [rate, duration, of] of [[100, 1000, 3], [7.5, 2000, 4], [1000, 10, 7], [3, 1000, 5]] as const) {
      const whole: number[] = [];
      new ArrivalSchedule(50, rate, duration).takeDue(Infinity, (_i, t) => whole.push(t));
      const parts: number[] = [];
      let total = 0;
      for (let index = 0; index < of; index++) {
        const p = new ArrivalSchedule(50, rate, duration, { index, of });
        total += p.total;
        p.takeDue(Infinity, (_i, t) => parts.push(t));
      }
      expect(total).toBe(whole.length);
      expect(parts.sort((a, b) => a - b)).toEqual(whole);
    }
  });

  it('refuses a part outside 0 <= index < of', () => {
    expect(() => new ArrivalSchedule(0, 10, 1000, { index: 2, of: 2 })).toThrow(RangeError);
    expect(() => new ArrivalSchedule(0, 10, 1000, { index: 0, of: 0 })).toThrow(RangeError);
  });
});
