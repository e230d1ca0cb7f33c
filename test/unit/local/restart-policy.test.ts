import { describe, expect, it } from 'vitest';
import { RestartBackoff } from '../../../src/targets/local/restart-policy.js';

describe('RestartBackoff (CrashLoopBackOff)', () => {
  it('restarts at once, then 10s doubling to the 5-minute cap, per replica', () => {
    let now = 0;
    const b = new RestartBackoff({ initialMs: 10_000, maxMs: 300_000 }, () => now);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const d = b.next('r1');
      delays.push(d);
      now += d + 1000; // each start crashes a second later
    }
    expect(delays).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    expect(b.has('r1')).toBe(true);
    expect(b.has('r2')).toBe(false);
    expect(b.next('r2')).toBe(0); // another replica has its own series
  });

  it('forgets the series once a start has lasted 2 × max (the kubelet: 10 minutes)', () => {
    let now = 0;
    const b = new RestartBackoff({ initialMs: 10_000, maxMs: 300_000 }, () => now);
    b.next('r1');
    now += 1000;
    expect(b.next('r1')).toBe(10_000);
    now += 10_000 + 599_000; // ran 9 min 59 s after its restart
    expect(b.next('r1')).toBe(20_000);
    now += 20_000 + 600_000; // ran 10 minutes
    expect(b.next('r1')).toBe(0);
  });
});
