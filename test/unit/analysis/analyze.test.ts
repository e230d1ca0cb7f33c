import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { syntheticRun } from './fixture.js';

const RANGE = { settleMs: 2000, measureFromMs: 2000, measureToMs: 20_000 };

describe('analyzeRun', () => {
  it('attributes failures to the right rollout or to the baseline and excludes warm-up', () => {
    const { recorder, events } = syntheticRun();
    const a = analyzeRun({ events, timeline: recorder.toData(), ...RANGE });
    expect(a.rollouts).toHaveLength(2);
    const [r1, r2] = a.rollouts;
    expect(r1).toMatchObject({ index: 1, revision: 2, trigger: 'refresh', startMs: 5000, durationMs: 2000,
      completed: true, window: { fromMs: 5000, toMs: 9000 }, requests: 400, failures: 5, failureRate: 5 / 400,
      byCause: { 'http_5xx:57P01': 5 }, downtimeMs: 50 });
    expect(r2).toMatchObject({ index: 2, revision: 3, trigger: 'revoke', durationMs: null, completed: false,
      window: { fromMs: 12_000, toMs: 20_000 }, requests: 795, failures: 15, byCause: { conn_refused: 15 }, downtimeMs: 200 });
    expect(a.baseline).toMatchObject({ spanMs: 6000, requests: 600, failures: 1, byCause: { 'http_5xx:28P01': 1 }, downtimeMs: 10 });
    // warm-up conn_refused at 1 s appear nowhere
    expect(a.overall).toMatchObject({ spanMs: 18_000, requests: 1795, failures: 21 });
    expect(a.overall.byKind.conn_refused).toBe(15);
    expect(a.rotations).toEqual({ refresh: 1, revoke: 1 });
    expect(a.leases).toEqual({ issued: 3, expired: 1, revoked: 1, outstanding: 1 });
  });

  it('reports latency percentiles of the window within 5 %', () => {
    const { recorder, events } = syntheticRun();
    const a = analyzeRun({ events, timeline: recorder, ...RANGE });
    // rollout 1: 395 ok with latencies cycling 1..10 ms, 5 failures at 0.5 ms
    expect(Math.abs(a.rollouts[0].latencyMs.p50! / 5 - 1)).toBeLessThan(0.05);
    expect(Math.abs(a.rollouts[0].latencyMs.p99! / 10 - 1)).toBeLessThan(0.05);
  });

  it('merges overlapping rollout windows into one row, so a request counts once', () => {
    const rec = new TimelineRecorder({ binMs: 10 });
    for (let t = 0; t < 10_000; t += 10) rec.record({ start: t, latencyMs: 1, kind: t === 4500 ? 'conn_reset' : 'ok' });
    const events: RunEvent[] = [
      { t: 1000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 2 },
      { t: 3000, type: 'rollout_completed', revision: 2 },
      // starts while rollout 2 is still settling (until 5000): one window 1000–8000
      { t: 4000, type: 'rollout_started', revision: 3, trigger: 'at', replicas: 2 },
      { t: 6000, type: 'rollout_completed', revision: 3 },
    ];
    const a = analyzeRun({ events, timeline: rec, settleMs: 2000, measureFromMs: 0, measureToMs: 10_000 });
    expect(a.rollouts).toHaveLength(1);
    expect(a.rollouts[0]).toMatchObject({ index: 1, trigger: 'refresh+at', triggers: ['refresh', 'at'], revisions: [2, 3],
      revision: 3, startMs: 1000, durationMs: 5000, completed: true, window: { fromMs: 1000, toMs: 8000 },
      requests: 700, failures: 1 });
    expect(a.baseline).toMatchObject({ spanMs: 3000, requests: 300, failures: 0 });
    expect(a.overall.failures).toBe(1);
    expect(a.rollouts[0].requests + a.baseline.requests).toBe(a.overall.requests);
  });

  it('merges through the lead of the next window, and not when windows only touch', () => {
    const rec = new TimelineRecorder({ binMs: 10 });
    for (let t = 0; t < 10_000; t += 10) rec.record({ start: t, latencyMs: 1, kind: 'ok' });
    const at = (startA: number, startB: number): RunEvent[] => [
      { t: startA, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 1 },
      { t: startA + 500, type: 'rollout_completed', revision: 2 },
      { t: startB, type: 'rollout_started', revision: 3, trigger: 'refresh', replicas: 1 },
      { t: startB + 500, type: 'rollout_completed', revision: 3 },
    ];
    const run = (events: RunEvent[]) => analyzeRun({ events, timeline: rec, settleMs: 1000, leadMs: 250, measureFromMs: 0, measureToMs: 10_000 });
    // first closes at 2500; second opens at 2700 − 250 = 2450: one row, triggers refresh+refresh
    expect(run(at(1000, 2700)).rollouts.map((r) => [r.trigger, r.window.fromMs, r.window.toMs, r.durationMs]))
      .toEqual([['refresh+refresh', 750, 4200, 2200]]);
    // second opens at 2750 − 250 = 2500, exactly where the first closes: two rows, no shared bin
    const apart = run(at(1000, 2750));
    expect(apart.rollouts.map((r) => [r.window.fromMs, r.window.toMs])).toEqual([[750, 2500], [2500, 4250]]);
    expect(apart.rollouts.map((r) => r.requests)).toEqual([175, 175]);
  });

  it('makes a merged row incomplete when any of its rollouts never completed', () => {
    const rec = new TimelineRecorder({ binMs: 10 });
    for (let t = 0; t < 10_000; t += 10) rec.record({ start: t, latencyMs: 1, kind: 'ok' });
    const events: RunEvent[] = [
      { t: 1000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 1 },
      { t: 1500, type: 'rollout_started', revision: 3, trigger: 'revoke', replicas: 1 },
      { t: 2000, type: 'rollout_completed', revision: 3 },
    ];
    const [row] = analyzeRun({ events, timeline: rec, settleMs: 1000, measureFromMs: 0, measureToMs: 10_000 }).rollouts;
    expect(row).toMatchObject({ trigger: 'refresh+revoke', completed: false, durationMs: null, window: { fromMs: 1000, toMs: 10_000 } });
  });

  it('clips a rollout that started during warm-up to the measured range', () => {
    const { recorder } = syntheticRun();
    const events: RunEvent[] = [
      { t: 500, type: 'rollout_started', revision: 1, trigger: 'initial', replicas: 3 },
      { t: 1500, type: 'rollout_completed', revision: 1 },
    ];
    const a = analyzeRun({ events, timeline: recorder, ...RANGE });
    expect(a.rollouts[0]).toMatchObject({ window: { fromMs: 2000, toMs: 3500 }, requests: 150, failures: 0 });
  });

  it('gives the identical analysis after toData → JSON → fromData', () => {
    const { recorder, events } = syntheticRun();
    const live = analyzeRun({ events, timeline: recorder, ...RANGE });
    const json = JSON.parse(JSON.stringify(recorder.toData()));
    const fromFile = analyzeRun({ events: JSON.parse(JSON.stringify(events)), timeline: json, ...RANGE });
    expect(fromFile).toEqual(live);
    expect(JSON.parse(JSON.stringify(live))).toEqual(live);
  });
});

describe('secret changed → rollout started', () => {
  it('measures from the last secret_synced at or before each rollout start', async () => {
    const { analyzeRun } = await import('../../../src/analysis/analyze.js');
    const { TimelineRecorder } = await import('../../../src/recorder/timeline-recorder.js');
    const timeline = new TimelineRecorder({ binMs: 10 }).toData();
    const a = analyzeRun({
      events: [
        { t: 900, type: 'secret_synced', resourceVersion: '1' },
        { t: 1000, type: 'secret_synced', resourceVersion: '2' },
        { t: 1250, type: 'rollout_started', revision: 2, trigger: 'force-sync', replicas: 3 },
        { t: 3000, type: 'rollout_completed', revision: 2 },
        { t: 5000, type: 'rollout_started', revision: 3, trigger: 'refresh', replicas: 3 },
        { t: 6000, type: 'rollout_completed', revision: 3 },
      ],
      timeline, settleMs: 0, measureFromMs: 0, measureToMs: 10_000,
    });
    // The second rollout had no Secret change of its own: the first one's is not reused.
    expect(a.rollouts.map((r) => r.secretToRolloutMs)).toEqual([250, undefined]);
    const none = analyzeRun({ events: [{ t: 1, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 1 }],
      timeline, settleMs: 0, measureFromMs: 0, measureToMs: 10 });
    expect(none.rollouts[0].secretToRolloutMs).toBeUndefined();
  });
});
