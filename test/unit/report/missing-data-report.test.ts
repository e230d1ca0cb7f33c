import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { findIncompleteness } from '../../../src/analysis/completeness.js';
import { evaluateThresholds } from '../../../src/analysis/verdict.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { LoadSummary } from '../../../src/ports/load.js';
import type { OutcomeKind } from '../../../src/ports/outcomes.js';
import type { RunFile } from '../../../src/results/run-file.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { renderHtmlReport } from '../../../src/report/html/render-html.js';
import { jsonReport } from '../../../src/report/json-report.js';
import { renderJunitReport } from '../../../src/report/junit-report.js';
import { renderMarkdownReport } from '../../../src/report/markdown-report.js';
import type { ReportRun } from '../../../src/report/report-run.js';
import { renderTextReport } from '../../../src/report/text-report.js';
import type { Scenario } from '../../../src/scenario/model.js';
import { parseThreshold } from '../../../src/scenario/thresholds.js';
import { findAll, parseXml } from '../../support/xml-check.js';

// What every format says about data that is missing: a schedule not sent, rotations that failed,
// overlapping rollouts merged into one row, a run that did not complete.

const EVENTS: RunEvent[] = [
  { t: 0, type: 'run_started', target: 'local', scenario: 'edge' },
  { t: 3000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 1 },
  { t: 3300, type: 'rollout_started', revision: 3, trigger: 'at', replicas: 1 },
  { t: 3500, type: 'rollout_completed', revision: 2 },
  { t: 3900, type: 'rollout_completed', revision: 3 },
  { t: 7010, type: 'rotation_failed', trigger: 'refresh', message: 'role "v-edge-3" already exists' },
  { t: 10_500, type: 'run_finished' },
];

/** 10 s at 100 req/s; from 1 s on, `kind(ms)` decides. */
function run(opts: { kind?: (ms: number) => OutcomeKind; load?: LoadSummary; status?: RunFile['status'];
  log?: { present: boolean; finished: boolean; tornLine?: number } } = {}): ReportRun {
  const rec = new TimelineRecorder({ binMs: 10 });
  for (let ms = 0; ms < 10_000; ms += 10) rec.record({ start: ms, latencyMs: 3, kind: opts.kind?.(ms) ?? 'ok' });
  const analysis = analyzeRun({ events: EVENTS, timeline: rec, settleMs: 500, measureFromMs: 1000, measureToMs: 10_000 });
  const status = opts.status ?? 'completed';
  const verdict = evaluateThresholds(analysis, [parseThreshold('rollout.failure_rate < 1%'), parseThreshold('load.sent_ratio >= 99%')],
    { expectRollouts: true, incomplete: findIncompleteness(status, opts.log ?? { present: true, finished: true }) });
  const scenario = { name: 'edge', source: 'edge.yaml', target: 'local', thresholds: [],
    delivery: { refreshIntervalMs: 3000, reload: 'restart', via: 'env' }, rotations: { atMs: [2300], revokeAtMs: [], rotateRootAtMs: [] },
    load: { rate: 100, connections: 4, maxInFlight: 8, durationMs: 9000 } } as unknown as Scenario;
  const file: RunFile = { schemaVersion: 1, tool: { name: 'vaultctl', version: '0' }, scenario, startedAt: '2025-01-01T00:00:00.000Z',
    timeZero: '', measureFromMs: 1000, measureToMs: 10_000, status, ...(opts.load ? { load: opts.load } : {}), analysis };
  return { label: 'edge', dir: 'results/edge', run: file, events: EVENTS, timeline: rec.toData(), analysis, verdict };
}

const open = (over: Partial<LoadSummary> = {}): LoadSummary => ({ model: 'open', scheduled: 1000, sent: 1000, completed: 1000,
  errors: 0, timeouts: 0, notSent: 0, lagMs: { p99: 1.24, max: 7 }, ...over });
/** Four of every five requests from 1 s on never sent: 20% of the measured schedule went out. */
const starved = (ms: number): OutcomeKind => (ms >= 1000 && ms % 50 !== 0 ? 'not_sent' : 'ok');

describe('achieved vs asked', () => {
  it('prints what the generator did and sent/asked per row', () => {
    const text = renderTextReport([run({ load: open() })], { color: false });
    expect(text).toContain('load: open model, 1000 scheduled, 1000 sent (100%), 1000 answered, 0 not sent, 0 errors (0 timeouts), ' +
      'send lag p99 1.2ms, max 7ms');
    expect(text).toMatch(/^ {3}overall +9\.00s +900\/900 /m);
    expect(text).not.toContain('scheduled requests were sent');
    const closed = renderTextReport([run({ load: { ...open(), model: 'closed', scheduled: 800, sent: 800, completed: 790, errors: 10 } })],
      { color: false });
    expect(closed).toContain('load: closed loop (rate: max), 800 sent, 790 answered, 10 errors (0 timeouts)');
  });

  it('warns when less than 95% of the schedule was sent, naming the cause', () => {
    const capped = run({ kind: starved, load: open({ sent: 200, completed: 200, notSent: 800, limitedBy: 'max_in_flight' }) });
    const text = renderTextReport([capped], { color: false });
    expect(text).toMatch(/^ {3}overall +9\.00s +180\/900 /m);
    expect(text).toContain('warning: only 20% of the scheduled requests were sent (180 of 900 in the measured range): ' +
      'the in-flight cap (load.maxInFlight 8) was reached');
    expect(text).toMatch(/✗ {2}load: load\.sent_ratio >= 99% +observed 20\.000% \(180 of 900 scheduled requests sent\)/);
    expect(text).toContain('not_sent×720');
    const cpu = renderTextReport([run({ kind: starved, load: open({ limitedBy: 'generator' }) })], { color: false });
    expect(cpu).toContain("vaultctl's own CPU could not keep the schedule");
    const json = jsonReport([capped], '1').runs[0];
    expect(json.overall).toMatchObject({ requests: 900, scheduled: 900, sent: 180, notSent: 720, answered: 180, failures: 720 });
    expect(json.overall.byKind.not_sent).toBe(720);
    expect(json.warnings).toContainEqual(expect.stringContaining('only 20% of the scheduled requests were sent'));
    expect(json.load).toMatchObject({ model: 'open', limitedBy: 'max_in_flight' });
    expect(renderMarkdownReport([capped])).toContain('> ⚠️ only 20% of the scheduled requests were sent');
  });

  it('draws not_sent as its own series in the HTML timeline, with the load line', () => {
    const html = renderHtmlReport([run({ kind: starved, load: open({ limitedBy: 'generator' }) })]);
    expect(html).toContain('>not_sent (720)</text>');
    expect(html).toMatch(/class="failure-band" data-kind="not_sent"/);
    expect(html).toContain('<p class="load">Load: open model, 1000 scheduled');
    expect(html).toContain('<p class="warning">Warning: only 20% of the scheduled requests were sent');
  });
});

describe('one row per request window', () => {
  it('shows overlapping rollouts as one row naming both triggers', () => {
    const r = run();
    expect(r.analysis.rollouts).toHaveLength(1);
    const text = renderTextReport([r], { color: false });
    expect(text).toContain('edge: 1 rollout, 9.0s measured');
    expect(text).toMatch(/^1 {2}refresh\+at {3}2\.0s +900ms +140\/140 /m);
    const json = jsonReport([r], '1').runs[0];
    expect(json.rollouts[0]).toMatchObject({ trigger: 'refresh+at', triggers: ['refresh', 'at'], revisions: [2, 3], revision: 3 });
    expect(renderHtmlReport([r])).toContain('Rollout 1: refresh+at → revisions 2, 3 (overlapping, one window)');
  });
});

describe('failed rotations', () => {
  it('give a line under the table and a failing check in every format', () => {
    const r = run();
    expect(r.verdict.pass).toBe(false);
    const text = renderTextReport([r], { color: false });
    expect(text).toContain('warning: rotation at 6.0s (refresh) failed: role "v-edge-3" already exists');
    expect(text).toMatch(/✗ {2}rotation at 6\.0s \(refresh\) failed +role "v-edge-3" already exists/);
    expect(text).toContain('verdict: FAIL (1 of 3 failed)');
    const md = renderMarkdownReport([r]);
    expect(md).toContain('| ❌ | rotation at 6.0s (refresh) failed | rotation |  | role "v-edge-3" already exists |');
    const junit = parseXml(renderJunitReport([r]));
    const failed = findAll(junit, 'testcase').filter((c) => findAll(c, 'failure').length > 0);
    expect(failed.map((c) => c.attrs.name)).toEqual(['rotation at 6.0s (refresh) failed']);
    expect(findAll(failed[0], 'failure')[0].attrs).toMatchObject({ type: 'rotation.failed', message: 'role "v-edge-3" already exists' });
    expect(jsonReport([r], '1').runs[0].verdict.results.at(-1)).toMatchObject({ metric: 'rotation.failed', subject: 'rotation',
      pass: false, note: 'role "v-edge-3" already exists' });
  });
});

describe('a run that did not complete', () => {
  it('says INCOMPLETE with what is missing in every format, never PASS', () => {
    const killed = run({ status: 'running', load: open(), log: { present: true, finished: false, tornLine: 7 } });
    expect(killed.verdict.pass).toBe(false);
    const text = renderTextReport([killed], { color: false });
    expect(text).toContain('warning: incomplete run: status running: the run was killed or is still going');
    expect(text).toContain('events.ndjson is truncated: line 7 is not valid JSON');
    expect(text).toMatch(/\nverdict: INCOMPLETE \(on partial data: 1 of 3 failed\)\n$/);
    expect(text).not.toMatch(/verdict: PASS/);
    const json = jsonReport([killed], '1');
    expect(json.pass).toBe(false);
    expect(json.runs[0].verdict.incomplete).toMatchObject({ kind: 'incomplete', reasons: expect.arrayContaining([
      expect.stringContaining('no run_finished event')]) });
    expect(renderMarkdownReport([killed])).toContain('verdict **INCOMPLETE (on partial data: 1 of 3 failed)**');
    const junit = parseXml(renderJunitReport([killed]));
    expect(findAll(junit, 'testcase').map((c) => c.attrs.name)).toContain('run incomplete');
    const html = renderHtmlReport([killed]);
    expect(html).toContain('<span class="badge fail">INCOMPLETE</span>');
    expect(html).toContain('Verdict: <strong class="fail">incomplete</strong>');
    const compared = renderTextReport([killed, run({ status: 'interrupted' })], { color: false });
    expect(compared).toMatch(/^verdict +INCOMPLETE +INTERRUPTED$/m);
  });
});
