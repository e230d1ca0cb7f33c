import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { expectsRollouts, findIncompleteness } from '../../../src/analysis/completeness.js';
import { evaluateThresholds } from '../../../src/analysis/verdict.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { OutcomeKind } from '../../../src/ports/outcomes.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import type { Scenario } from '../../../src/scenario/model.js';
import { parseThreshold } from '../../../src/scenario/thresholds.js';

// A verdict never passes on missing data: rollouts that should have happened and did not, rotations
// or a database that failed, a run that did not complete, a schedule that was not sent.
const t = (expr: string) => parseThreshold(expr);

/** 10 s at 100 req/s from 0; `kind(t)` decides each outcome. */
function timeline(kind: (t: number) => OutcomeKind = () => 'ok'): TimelineRecorder {
  const rec = new TimelineRecorder({ binMs: 10 });
  for (let ms = 0; ms < 10_000; ms += 10) rec.record({ start: ms, latencyMs: 2, kind: kind(ms) });
  return rec;
}

function analyse(events: RunEvent[], rec = timeline()) {
  return analyzeRun({ events, timeline: rec, settleMs: 1000, measureFromMs: 1000, measureToMs: 10_000 });
}

type ScenarioBits = Parameters<typeof expectsRollouts>[0];
const scenario = (target: Scenario['target'], reload: Scenario['delivery']['reload'], refreshIntervalMs: number,
  atMs: number[] = []): ScenarioBits => ({ target, delivery: { refreshIntervalMs, reload, via: 'env' },
  rotations: { atMs, revokeAtMs: [], rotateRootAtMs: [] }, load: { durationMs: 9000 } as Scenario['load'] });

describe('expected rollouts', () => {
  it('are expected when the scenario rotates during the load and its deliveries roll', () => {
    expect(expectsRollouts(scenario('local', 'restart', 4000))).toBe(true);
    expect(expectsRollouts(scenario('kubernetes', 'none', 0, [1000]))).toBe(true);
    expect(expectsRollouts(scenario('local', 'restart', 0, [3000]))).toBe(true);
    // a signal or no reload never rolls; a refresh interval longer than the load never fires
    expect(expectsRollouts(scenario('local', 'signal', 2000))).toBe(false);
    expect(expectsRollouts(scenario('local', 'none', 2000))).toBe(false);
    expect(expectsRollouts(scenario('kubernetes', 'restart', 30 * 60_000))).toBe(false);
    expect(expectsRollouts(scenario('local', 'restart', 0))).toBe(false);
  });

  it('fail every rollout.* threshold when none was observed, and pass the rest as measured', () => {
    const a = analyse([]);
    const thresholds = [t('rollout.failure_rate < 0.1%'), t('rollout.duration < 5s'), t('baseline.failure_rate == 0')];
    const v = evaluateThresholds(a, thresholds, { expectRollouts: true });
    expect(v.pass).toBe(false);
    expect(v.results.map((r) => [r.expression, r.subject, r.observed, r.pass, r.note])).toEqual([
      ['rollout.failure_rate < 0.1%', 'rollouts', null, false, 'expected rollouts, none observed'],
      ['rollout.duration < 5s', 'rollouts', null, false, 'expected rollouts, none observed'],
      ['baseline.failure_rate == 0', 'baseline', 0, true, undefined],
    ]);
    // reload signal (no rollout expected): nothing to judge per rollout, the run passes
    expect(evaluateThresholds(a, thresholds, { expectRollouts: false })).toMatchObject({ pass: true });
    // with rollouts seen, the rule does not apply
    const rolled = analyse([{ t: 3000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 1 },
      { t: 3500, type: 'rollout_completed', revision: 2 }]);
    expect(evaluateThresholds(rolled, thresholds, { expectRollouts: true }).pass).toBe(true);
  });
});

describe('failed rotations and a failed database', () => {
  it('each give a failing check result, whatever the thresholds', () => {
    const a = analyse([
      { t: 5000, type: 'rotation_triggered', trigger: 'refresh' },
      { t: 5010, type: 'rotation_failed', trigger: 'refresh', message: 'role "v-app-2" already exists' },
      { t: 9000, type: 'rotation_failed', trigger: 'at', message: 'connection refused' },
      { t: 9500, type: 'database_failed', message: 'the postmaster exited with code 1' },
    ]);
    expect(a.failedRotations).toEqual([{ t: 5010, trigger: 'refresh', message: 'role "v-app-2" already exists' },
      { t: 9000, trigger: 'at', message: 'connection refused' }]);
    const v = evaluateThresholds(a, []);
    expect(v.pass).toBe(false);
    expect(v.results.map((r) => [r.metric, r.subject, r.expression, r.note, r.pass])).toEqual([
      ['rotation.failed', 'rotation', 'rotation at 4.0s (refresh) failed', 'role "v-app-2" already exists', false],
      ['rotation.failed', 'rotation', 'rotation at 8.0s (at) failed', 'connection refused', false],
      ['database.failed', 'database', 'database failed at 8.5s', 'the postmaster exited with code 1', false],
    ]);
    expect(evaluateThresholds(analyse([{ t: 5000, type: 'rotation_triggered', trigger: 'refresh' }]), []).pass).toBe(true);
  });
});

describe('an incomplete run', () => {
  it('names every gap: status, a missing, torn or unfinished event log', () => {
    const whole = { present: true, finished: true };
    expect(findIncompleteness('completed', whole)).toBeUndefined();
    expect(findIncompleteness('interrupted', whole)).toEqual({ kind: 'interrupted', reasons: [expect.stringContaining('status interrupted')] });
    expect(findIncompleteness('failed', whole, 'replica r1 exited')?.reasons).toEqual(['status failed: replica r1 exited']);
    const killed = findIncompleteness('running', { present: true, finished: false, tornLine: 38 });
    expect(killed?.kind).toBe('incomplete');
    expect(killed?.reasons).toEqual([expect.stringContaining('status running'), expect.stringContaining('line 38 is not valid JSON'),
      expect.stringContaining('no run_finished event')]);
    expect(findIncompleteness('completed', { present: false, finished: false })?.reasons)
      .toEqual([expect.stringContaining('events.ndjson is missing')]);
  });

  it('never passes, even when every threshold holds on the data it has', () => {
    const a = analyse([]);
    const incomplete = findIncompleteness('running', { present: true, finished: false });
    const v = evaluateThresholds(a, [t('baseline.failure_rate == 0')], { incomplete });
    expect(v.pass).toBe(false);
    expect(v.incomplete).toEqual(incomplete);
    expect(v.results[0]).toMatchObject({ pass: true });
    expect(v.results[1]).toMatchObject({ metric: 'run.incomplete', subject: 'run', expression: 'run incomplete', pass: false,
      note: expect.stringContaining('no run_finished') });
    const stopped = evaluateThresholds(a, [], { incomplete: findIncompleteness('interrupted', { present: true, finished: true }) });
    expect(stopped).toMatchObject({ pass: false, incomplete: { kind: 'interrupted' } });
    expect(stopped.results.map((r) => r.expression)).toEqual(['run interrupted']);
  });
});

describe('load.sent_ratio', () => {
  it('is sent / scheduled of the measured range, not_sent counting as scheduled and failed', () => {
    // every 4th request from 1 s on was never sent: 75% of the measured schedule went out
    const a = analyse([], timeline((ms) => (ms >= 1000 && ms % 40 === 0 ? 'not_sent' : 'ok')));
    expect(a.overall).toMatchObject({ scheduled: 900, sent: 675, notSent: 225, failures: 225, answered: 675 });
    const [low] = evaluateThresholds(a, [t('load.sent_ratio >= 99%')]).results;
    expect(low).toMatchObject({ subject: 'load', observed: 0.75, limit: 0.99, pass: false, note: '675 of 900 scheduled requests sent' });
    expect(evaluateThresholds(a, [t('load.sent_ratio >= 70%')]).pass).toBe(true);
    expect(evaluateThresholds(analyse([]), [t('load.sent_ratio == 100%')]).results[0]).toMatchObject({ observed: 1, pass: true });
  });
});
