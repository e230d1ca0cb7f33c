import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { evaluateThresholds } from '../../../src/analysis/verdict.js';
import type { RunFile } from '../../../src/results/run-file.js';
import type { ReportRun } from '../../../src/report/report-run.js';
import type { Scenario } from '../../../src/scenario/model.js';
import { parseThreshold } from '../../../src/scenario/thresholds.js';
import { renderTextReport } from '../../../src/report/text-report.js';
import { md, renderMarkdownReport } from '../../../src/report/markdown-report.js';
import { renderJunitReport } from '../../../src/report/junit-report.js';
import { jsonReport } from '../../../src/report/json-report.js';
import { uniqueLabels } from '../../../src/report/load-report-run.js';
import { syntheticRun } from '../analysis/fixture.js';
import { findAll, parseXml } from '../../support/xml-check.js';

// Edge cases the golden fixtures do not hold: an interrupted run with an error full of markup,
// a rollout that never completed, results with nothing observed.
const ERROR = 'boom <b>|x|</b> & "q" *y* [l](http://x)';

function edgeRun(): ReportRun {
  const { recorder, events } = syntheticRun();
  const analysis = analyzeRun({ events, timeline: recorder, settleMs: 2000, measureFromMs: 2000, measureToMs: 20_000 });
  const verdict = evaluateThresholds(analysis, ['rollout.duration < 5s', 'rollout.failure_rate < 5%']
    .map((e) => parseThreshold(e)));
  const scenario = { name: 'edge', source: 'edge.yaml', target: 'local', thresholds: [] } as unknown as Scenario;
  const run: RunFile = { schemaVersion: 1, tool: { name: 'vaultctl', version: '0' }, scenario, startedAt: '2025-01-01T00:00:00.000Z',
    timeZero: '', measureFromMs: 2000, measureToMs: 20_000, status: 'interrupted', error: ERROR, analysis };
  return { label: 'edge', dir: 'results/edge', run, events, timeline: recorder.toData(), analysis, verdict };
}

describe('report formats on edge cases', () => {
  it('text shows the status, the incomplete rollout and why its duration failed', () => {
    const text = renderTextReport([edgeRun()], { color: false });
    expect(text).toContain(`status: interrupted — ${ERROR}`);
    expect(text).toMatch(/2 +revoke .* incomplete/);
    expect(text).toMatch(/✗ {2}rollout 2 \(revoke\): rollout\.duration < 5s +nothing observed \(rollout never completed\)/);
    expect(text).toContain('verdict: FAIL (1 of 4 failed)');
    expect(text).not.toContain('\u001b[');
    expect(renderTextReport([edgeRun()], { color: true })).toContain('\u001b[31m✗\u001b[0m');
  });

  it('markdown escapes text so it cannot break tables or inject markup', () => {
    const out = renderMarkdownReport([edgeRun()]);
    expect(out).toContain('> boom \\<b\\>\\|x\\|\\</b\\> & "q" \\*y\\* \\[l\\](http://x)');
    expect(out).toContain('**incomplete**');
    expect(out).toContain('| ❌ | `rollout.duration < 5s` | rollout 2 (revoke) | n/a | rollout never completed |');
    // every row of a table has as many unescaped cell separators as its header
    for (const table of out.split('\n\n').filter((b) => b.startsWith('|'))) {
      const counts = table.trim().split('\n').map((l) => l.replace(/\\\|/g, '').split('|').length);
      expect(new Set(counts).size).toBe(1);
    }
    expect(md('a|b\nc')).toBe('a\\|b c');
  });

  it('junit keeps the error as a property and says why a rollout without completion failed', () => {
    const doc = parseXml(renderJunitReport([edgeRun()]));
    const props = Object.fromEntries(findAll(doc, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ status: 'interrupted', error: ERROR });
    const failures = findAll(doc, 'testcase').filter((c) => findAll(c, 'failure').length > 0);
    expect(failures.map((c) => c.attrs.name)).toEqual(['rollout 2 (revoke): rollout.duration < 5s']);
    expect(findAll(failures[0], 'failure')[0].attrs.message).toBe('nothing observed (rollout never completed); limit < 5.00s');
  });

  it('json keeps nulls as null and the run status and error', () => {
    const doc = jsonReport([edgeRun()], '1.2.3');
    expect(doc.runs[0]).toMatchObject({ status: 'interrupted', error: ERROR });
    expect(doc.runs[0].rollouts[1]).toMatchObject({ durationMs: null, completed: false });
    expect(doc.runs[0].verdict.results.find((r) => !r.pass)).toMatchObject({ observed: null, rollout: 2, note: 'rollout never completed' });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('labels runs of the same scenario apart', () => {
    expect(uniqueLabels([{ label: 'a' }, { label: 'b' }, { label: 'a' }, { label: 'a' }]).map((r) => r.label))
      .toEqual(['a', 'b', 'a#2', 'a#3']);
  });
});
