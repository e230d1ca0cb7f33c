import { describe, expect, it } from 'vitest';
import { analyzeRun, type RolloutStats, type RunAnalysis } from '../../../src/analysis/analyze.js';
import type { WindowStats } from '../../../src/analysis/stats.js';
import { compare, evaluateThresholds, mergeThresholds, shouldAbort } from '../../../src/analysis/verdict.js';
import { parseThreshold } from '../../../src/scenario/thresholds.js';
import { OUTCOME_KINDS, type OutcomeKind } from '../../../src/ports/outcomes.js';
import { syntheticRun } from './fixture.js';

function stats(over: Partial<WindowStats> = {}): WindowStats {
  const requests = over.requests ?? 1000;
  const failures = over.failures ?? 0;
  const notSent = over.notSent ?? 0;
  return {
    spanMs: 2000, requests, scheduled: requests, sent: requests - notSent, answered: requests - failures, notSent,
    failures, failureRate: requests > 0 ? failures / requests : 0,
    byKind: Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as Record<OutcomeKind, number>,
    byCause: {}, latencyMs: { p50: requests ? 5 : null, p99: requests ? 20 : null }, downtimeMs: 0, ...over,
  };
}

function rollout(index: number, over: Partial<RolloutStats> = {}): RolloutStats {
  const startMs = 1000 + index * 5000;
  return { index, revision: index + 1, revisions: [index + 1], trigger: 'refresh', triggers: ['refresh'], startMs, durationMs: 900, completed: true,
    window: { fromMs: startMs - 250, toMs: startMs + 1900 }, ...stats(over), ...over };
}

function analysis(over: Partial<RunAnalysis> = {}): RunAnalysis {
  return { settleMs: 1000, leadMs: 250, measureFromMs: 1000, measureToMs: 21_000, rollouts: [rollout(1), rollout(2)],
    baseline: stats({ spanMs: 15_000 }), overall: stats({ spanMs: 20_000 }), rotations: { refresh: 2 }, failedRotations: [],
    databaseFailures: [], leases: { issued: 3, expired: 1, revoked: 1, outstanding: 1 }, ...over };
}

const t = (expr: string, abortOnFail = false) => parseThreshold(expr, abortOnFail);

describe('evaluateThresholds', () => {
  it('fans rollout.* out to one result per rollout, naming the rollout', () => {
    const a = analysis({ rollouts: [rollout(1, { failures: 0 }), rollout(2, { failures: 3, requests: 200 })] });
    const v = evaluateThresholds(a, [t('rollout.failure_rate < 0.1%')]);
    expect(v.pass).toBe(false);
    expect(v.results).toEqual([
      expect.objectContaining({ subject: 'rollout 1', rollout: 1, observed: 0, limit: 0.001, op: '<', pass: true }),
      expect.objectContaining({ subject: 'rollout 2', rollout: 2, observed: 3 / 200, pass: false, note: '3 of 200 requests failed' }),
    ]);
  });

  it('judges every metric on the right figure, in base units', () => {
    const a = analysis({
      rollouts: [rollout(1, { downtimeMs: 310, durationMs: 4200, latencyMs: { p50: 3, p99: 120 } })],
      baseline: stats({ failures: 1, requests: 500 }),
      overall: stats({ latencyMs: { p50: 4, p99: 2500 } }),
    });
    const results = evaluateThresholds(a, [
      t('rollout.downtime <= 500ms'), t('rollout.duration < 4s'), t('rollout.latency.p99 < 100'),
      t('baseline.failure_rate == 0'), t('latency.p99 < 2s'), t('leases.outstanding == 1'),
    ]).results.map((r) => [r.metric, r.subject, r.observed, r.pass]);
    expect(results).toEqual([
      ['rollout.downtime', 'rollout 1', 310, true],
      ['rollout.duration', 'rollout 1', 4200, false],
      ['rollout.latency.p99', 'rollout 1', 120, false],
      ['baseline.failure_rate', 'baseline', 1 / 500, false],
      ['latency.p99', 'run', 2500, false],
      ['leases.outstanding', 'leases', 1, true],
    ]);
  });

  it('applies each operator, boundaries included', () => {
    expect([compare(1, '<', 1), compare(1, '<=', 1), compare(1, '>', 1), compare(1, '>=', 1), compare(1, '==', 1),
      compare(1, '!=', 1)]).toEqual([false, true, false, true, true, false]);
    expect([compare(0, '<', 1), compare(2, '>', 1), compare(0, '!=', 1), compare(0, '==', 1)]).toEqual([true, true, true, false]);
    // 0.1% parses to exactly 0.001, so 1 failure in 1000 is not below it but is at it
    const one = analysis({ rollouts: [rollout(1, { failures: 1, requests: 1000 })] });
    expect(evaluateThresholds(one, [t('rollout.failure_rate < 0.1%')]).pass).toBe(false);
    expect(evaluateThresholds(one, [t('rollout.failure_rate <= 0.1%')]).pass).toBe(true);
  });

  it('fails rollout.duration of a rollout that never completed', () => {
    const a = analysis({ rollouts: [rollout(1), rollout(2, { durationMs: null, completed: false })] });
    const [r1, r2] = evaluateThresholds(a, [t('rollout.duration < 1m')]).results;
    expect(r1).toMatchObject({ pass: true, observed: 900 });
    expect(r2).toMatchObject({ pass: false, observed: null, note: 'rollout never completed' });
  });

  it('passes a window outside the measured range with a note, but fails one with load and no request', () => {
    const outside = rollout(1, { requests: 0, failures: 0, spanMs: 0 });
    const stalled = rollout(2, { requests: 0, failures: 0, spanMs: 1500 });
    const [a, b] = evaluateThresholds(analysis({ rollouts: [outside, stalled] }), [t('rollout.failure_rate < 1%')]).results;
    expect(a).toMatchObject({ observed: null, pass: true, note: expect.stringContaining('nothing to measure') });
    expect(b).toMatchObject({ observed: null, pass: false, note: expect.stringContaining('no request started in 1500ms') });
    for (const expr of ['rollout.downtime < 1s', 'rollout.latency.p99 < 1s']) {
      const [x, y] = evaluateThresholds(analysis({ rollouts: [outside, stalled] }), [t(expr)]).results;
      expect([x.observed, x.pass, y.observed, y.pass]).toEqual([null, true, null, false]);
    }
    const noBaseline = analysis({ baseline: stats({ requests: 0, spanMs: 0 }) });
    expect(evaluateThresholds(noBaseline, [t('baseline.failure_rate == 0')]).results[0]).toMatchObject({ observed: null, pass: true });
  });

  it('passes with no thresholds, and gives no rollout results for a run without rollouts', () => {
    expect(evaluateThresholds(analysis(), [])).toEqual({ pass: true, results: [] });
    expect(evaluateThresholds(analysis({ rollouts: [] }), [t('rollout.failure_rate < 1%')])).toEqual({ pass: true, results: [] });
  });

  it('judges a real analysis: the synthetic run', () => {
    const { recorder, events } = syntheticRun();
    const a = analyzeRun({ events, timeline: recorder, settleMs: 2000, measureFromMs: 2000, measureToMs: 20_000 });
    const v = evaluateThresholds(a, [t('rollout.downtime <= 100ms'), t('rollout.duration < 5s'), t('leases.outstanding == 0')]);
    expect(v.results.map((r) => `${r.subject} ${r.metric} ${r.observed} ${r.pass}`)).toEqual([
      'rollout 1 rollout.downtime 50 true', 'rollout 2 rollout.downtime 200 false',
      'rollout 1 rollout.duration 2000 true', 'rollout 2 rollout.duration null false',
      'leases leases.outstanding 1 false',
    ]);
  });
});

describe('mergeThresholds', () => {
  it('replaces every scenario threshold of a metric named by a flag and adds new metrics', () => {
    const scenario = [t('rollout.failure_rate < 0.1%', true), t('rollout.failure_rate <= 1%'), t('rollout.downtime < 1s')];
    const flags = [t('rollout.failure_rate < 50%'), t('leases.outstanding == 0')];
    expect(mergeThresholds(scenario, flags).map((x) => x.expression)).toEqual([
      'rollout.downtime < 1s', 'rollout.failure_rate < 50%', 'leases.outstanding == 0']);
    expect(mergeThresholds(scenario, [])).toEqual(scenario);
    expect(mergeThresholds([], flags)).toEqual(flags);
  });
});

describe('shouldAbort', () => {
  it('ignores thresholds without abortOnFail and results that may still change', () => {
    const open = rollout(2, { completed: false, durationMs: null, failures: 50, window: { fromMs: 10_750, toMs: 21_000 } });
    const a = analysis({ rollouts: [rollout(1), open], leases: { issued: 9, expired: 0, revoked: 0, outstanding: 9 } });
    expect(shouldAbort(a, [t('rollout.failure_rate < 0.1%')])).toBeUndefined();
    // rollout 2 still open: its failure rate can still fall; leases are only released at the end
    expect(shouldAbort(a, [t('rollout.failure_rate < 0.1%', true), t('leases.outstanding == 0', true)])).toBeUndefined();
  });

  it('aborts on a closed rollout, on growing downtime or duration of an open one, and on the baseline', () => {
    const closed = analysis({ rollouts: [rollout(1, { failures: 5 })] });
    expect(shouldAbort(closed, [t('rollout.failure_rate < 0.1%', true)])).toMatchObject({ subject: 'rollout 1', pass: false });
    const open = rollout(2, { completed: false, durationMs: null, downtimeMs: 800, window: { fromMs: 10_750, toMs: 21_000 } });
    const a = analysis({ rollouts: [open] });
    expect(shouldAbort(a, [t('rollout.downtime < 500ms', true)])).toMatchObject({ rollout: 2, observed: 800, pass: false });
    // started at 11 000, measured up to 21 000: 10 s so far
    expect(shouldAbort(a, [t('rollout.duration <= 5s', true)])).toMatchObject({ rollout: 2, observed: 10_000 });
    expect(shouldAbort(a, [t('rollout.duration >= 5s', true)])).toBeUndefined();
    const baseline = analysis({ baseline: stats({ failures: 1 }) });
    expect(shouldAbort(baseline, [t('baseline.failure_rate == 0', true)])).toMatchObject({ subject: 'baseline' });
  });
});
