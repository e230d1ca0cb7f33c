import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadReportRun, uniqueLabels } from '../../../src/report/load-report-run.js';
import type { ReportRun } from '../../../src/report/report-run.js';
import { renderTextReport } from '../../../src/report/text-report.js';
import { jsonReport, renderJsonReport, JSON_REPORT_SCHEMA_VERSION } from '../../../src/report/json-report.js';
import { renderMarkdownReport } from '../../../src/report/markdown-report.js';
import { renderJunitReport, xml } from '../../../src/report/junit-report.js';
import { findAll, parseXml } from '../../support/xml-check.js';

// Golden files: exact report output for two committed results directories (test/fixtures/results/):
// single-ungraceful crosses `rollout.failure_rate < 0.1%` in all 3 rollouts, graceful-three passes
// everything. `UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/unit/report` rewrites them.
const root = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'results');
const golden = join(root, 'test', 'golden', 'report');
const VERSION = '9.9.9-test';

async function load(name: string): Promise<ReportRun> {
  const run = await loadReportRun(join(fixtures, name));
  return { ...run, dir: join(fixtures, name) };
}

/** Absolute paths and the tool version vary between machines and releases. */
function normalise(text: string): string {
  return text.split(fixtures).join('<fixtures>').split(VERSION).join('<version>');
}

function expectGolden(file: string, actual: string): void {
  const path = join(golden, file);
  const text = normalise(actual);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(golden, { recursive: true });
    writeFileSync(path, text);
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}: run with UPDATE_GOLDEN=1`);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

const RENDER: Array<[ext: string, (runs: ReportRun[]) => string]> = [
  ['txt', (runs) => renderTextReport(runs, { color: false })],
  ['md', (runs) => renderMarkdownReport(runs)],
  ['junit.xml', (runs) => renderJunitReport(runs)],
  ['json', (runs) => renderJsonReport(runs, VERSION)],
];

describe('report golden files', () => {
  for (const name of ['single-ungraceful', 'graceful-three']) {
    for (const [ext, render] of RENDER) {
      it(`${name}.${ext}`, async () => expectGolden(`${name}.${ext}`, render([await load(name)])));
    }
  }
  for (const [ext, render] of RENDER) {
    it(`compare.${ext} (two runs side by side)`, async () => {
      expectGolden(`compare.${ext}`, render(uniqueLabels([await load('single-ungraceful'), await load('graceful-three')])));
    });
  }
});

describe('report content', () => {
  it('re-analyses offline to the same figures the run stored (keys added since then aside)', async () => {
    for (const name of ['single-ungraceful', 'graceful-three']) {
      const r = await load(name);
      // The fixtures were recorded before not_sent, sent/asked and merged rows: every figure they
      // hold comes out the same, and the new ones agree with them.
      expect(r.analysis).toMatchObject(r.run.analysis as unknown as Record<string, unknown>);
      expect(r.analysis.overall).toMatchObject({ scheduled: r.analysis.overall.requests, sent: r.analysis.overall.requests, notSent: 0 });
    }
  });

  it('judges the failing fixture failed and the passing one passed', async () => {
    expect((await load('single-ungraceful')).verdict.pass).toBe(false);
    expect((await load('graceful-three')).verdict.pass).toBe(true);
  });

  it('JUnit parses as XML, one testsuite per run, and names each failing rollout with its observed value', async () => {
    const runs = uniqueLabels([await load('single-ungraceful'), await load('graceful-three')]);
    const doc = parseXml(renderJunitReport(runs));
    expect(doc.name).toBe('testsuites');
    const suites = findAll(doc, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['vaultctl.single-ungraceful', 'vaultctl.graceful-three']);
    const failed = findAll(suites[0], 'testcase').filter((c) => findAll(c, 'failure').length > 0);
    expect(failed.map((c) => c.attrs.name)).toEqual([1, 2, 3].map((n) => `rollout ${n} (refresh): rollout.failure_rate < 0.1%`));
    expect(failed.every((c) => c.attrs.classname === 'vaultctl.single-ungraceful')).toBe(true);
    const observed = runs[0].verdict.results.filter((r) => !r.pass).map((r) => `${(r.observed! * 100).toFixed(3)}%`);
    failed.forEach((c, i) => expect(findAll(c, 'failure')[0].attrs.message).toContain(`observed ${observed[i]}`));
    expect(doc.attrs).toMatchObject({ tests: '24', failures: '3' });
    expect(findAll(suites[1], 'failure')).toEqual([]);
  });

  it('escapes XML in names, messages and properties', () => {
    const nasty = `a<b>&"c"'d'\u0001\n`;
    const parsed = parseXml(`<x v="${xml(nasty)}">${xml(nasty, false)}</x>`);
    expect(parsed.attrs.v).toBe(`a<b>&"c"'d'\uFFFD\n`);
    expect(parsed.text).toBe(`a<b>&"c"'d'\uFFFD\n`);
    expect(() => parseXml('<x>a & b</x>')).toThrow(/bare &/);
    expect(() => parseXml('<x><y></x></y>')).toThrow(/mismatched/);
  });

  it('JSON is versioned, lists runs and keeps the documented keys', async () => {
    const doc = jsonReport([await load('single-ungraceful')], VERSION);
    expect(doc.schemaVersion).toBe(JSON_REPORT_SCHEMA_VERSION);
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tool', 'pass', 'runs']);
    expect(Object.keys(doc.runs[0])).toEqual(['label', 'dir', 'scenario', 'recordedBy', 'startedAt', 'status', 'measured',
      'settings', 'rollouts', 'baseline', 'overall', 'rotations', 'leases', 'load', 'warnings', 'verdict']);
    expect(doc.pass).toBe(false);
    expect(doc.runs[0].rollouts[0]).toMatchObject({ index: 1, trigger: 'refresh', completed: true });
  });
});
