import { describe, expect, it } from 'vitest';
import { parseThreshold, parseThresholdExpression } from '../../../src/scenario/thresholds.js';

const value = (expr: string) => parseThreshold(expr).value;
const error = (expr: string) => {
  const r = parseThresholdExpression(expr);
  if (r.ok) throw new Error(`"${expr}" parsed but should not`);
  return r.message;
};

describe('threshold expressions', () => {
  it('converts rates to ratios', () => {
    expect(value('rollout.failure_rate < 0.1%')).toBe(0.001);
    expect(value('baseline.failure_rate == 0')).toBe(0);
    expect(value('rollout.failure_rate<=0.05')).toBe(0.05);
    expect(value('rollout.failure_rate < 100%')).toBe(1);
  });

  it('converts times to milliseconds', () => {
    expect(value('rollout.downtime <= 500ms')).toBe(500);
    expect(value('rollout.duration < 1.5s')).toBe(1500);
    expect(value('rollout.latency.p99 < 2m')).toBe(120_000);
    expect(value('latency.p99 > 250')).toBe(250);
  });

  it('keeps counts as integers and every operator', () => {
    for (const op of ['<', '<=', '>', '>=', '==', '!='] as const) {
      expect(parseThreshold(`leases.outstanding ${op} 10`)).toEqual({
        expression: `leases.outstanding ${op} 10`, metric: 'leases.outstanding', op, value: 10, abortOnFail: false,
      });
    }
  });

  it('rejects units that do not fit the metric', () => {
    expect(error('rollout.downtime < 5%')).toMatch(/is a time/);
    expect(error('rollout.failure_rate < 5s')).toMatch(/is a rate/);
    expect(error('rollout.failure_rate < 2')).toMatch(/cannot exceed 100%/);
    expect(error('leases.outstanding < 1s')).toMatch(/is a count/);
    expect(error('leases.outstanding < 1.5')).toMatch(/integer/);
  });

  it('rejects malformed expressions', () => {
    expect(error('rollout.failure_rate')).toMatch(/<metric> <op> <value>/);
    expect(error('rollout.failure_rate =< 1%')).toMatch(/ops are < <= > >= == !=/);
    expect(error('errors < 1%')).toMatch(/unknown metric "errors"; known: rollout.failure_rate/);
    expect(error('latency.p99 < -1ms')).toMatch(/is not a number/);
    expect(error('latency.p99 < 1 ms')).toMatch(/<metric> <op> <value>/);
    expect(() => parseThreshold('nope')).toThrow(/invalid threshold "nope"/);
  });
});
