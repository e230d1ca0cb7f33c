import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { renderReport, type ReportFormat } from '../../../src/app/report.js';
import { jsonReport } from '../../../src/report/json-report.js';
import { loadReportRun, uniqueLabels } from '../../../src/report/load-report-run.js';
import type { ReportRun } from '../../../src/report/report-run.js';
import { compareStrategies, isStrategyComparison } from '../../../src/report/strategy-comparison.js';
import { renderHtmlReport } from '../../../src/report/html/render-html.js';
import { findAll, parseXml } from '../../support/xml-check.js';

// Golden files of the strategy comparison, from three hand-modelled results directories
// (test/fixtures/results-strategies/, written by its make-fixtures.ts). `UPDATE_GOLDEN=1 npx vitest
// run --config test/vitest.config.ts test/unit/report/strategy-golden.test.ts` rewrites them.
const root = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'results-strategies');
const golden = join(root, 'test', 'golden', 'report');
const VERSION = '9.9.9-test';
const STRATEGIES = ['secret-sync-restart', 'agent-template', 'init-renewer'];

async function load(name: string, base = fixtures): Promise<ReportRun> {
  return { ...(await loadReportRun(join(base, name))), dir: join(base, name) };
}

const loadAll = async () => uniqueLabels(await Promise.all(STRATEGIES.map((s) => load(s))));

function expectGolden(file: string, actual: string): void {
  const path = join(golden, file);
  const text = actual.split(fixtures).join('<fixtures>').split(VERSION).join('<version>');
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(golden, { recursive: true });
    writeFileSync(path, text);
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}: run with UPDATE_GOLDEN=1`);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

const FORMATS: Array<[ReportFormat, string]> = [['text', 'txt'], ['markdown', 'md'], ['json', 'json'], ['junit', 'junit.xml'], ['html', 'html']];

describe('strategy comparison golden files', () => {
  for (const [format, ext] of FORMATS) {
    it(`strategies.${ext}`, async () => {
      expectGolden(`strategies.${ext}`, await renderReport(await loadAll(), format, { color: false, version: VERSION }));
    });
  }
});

describe('strategy comparison', () => {
  it('applies to runs of distinct strategies only; the generic comparison keeps runs of one strategy', async () => {
    const runs = await loadAll();
    expect(isStrategyComparison(runs)).toBe(true);
    expect(isStrategyComparison(runs.slice(0, 1))).toBe(false);
    expect(isStrategyComparison(uniqueLabels([runs[0], runs[1], runs[0]]))).toBe(false);
    const old = join(root, 'test', 'fixtures', 'results');
    expect(isStrategyComparison(uniqueLabels([await load('single-ungraceful', old), await load('graceful-three', old)]))).toBe(false);
  });

  it('ranks fewest failures, then downtime, then restarts, then leases left, and names the trade-off', async () => {
    const cmp = compareStrategies(await loadAll());
    expect(cmp.rows.map((r) => [r.rank, r.strategy, r.failures, r.rollouts + r.inPlaceRestarts, r.leases.outstandingAtEnd])).toEqual([
      [1, 'agent-template', 0, 0, 1], [2, 'secret-sync-restart', 0, 5, 6], [3, 'init-renewer', 40, 1, 0]]);
    expect(cmp.recommendation).toBe('recommended: agent-template (0 failures, 0 restarts, 1 lease left); ' +
      'secret-sync-restart: 0 failures but 5 restarts, 6 leases left; init-renewer: 40 failures (http_5xx:28P01)');
    expect(cmp.rows[0]).toMatchObject({ reloads: 1, leases: { issued: 2, renewed: 3, expired: 1, vaultCalls: 5, peak: { live: 2, tMs: 14_010 } } });
    expect(cmp.rows[1].leases).toMatchObject({ issued: 6, renewed: 0, revoked: 0, vaultCalls: 6, peak: { live: 6, tMs: 20_010 } });
  });

  it('puts the ranking and every run\'s lease accounting in the JSON, leaving runs without a strategy as they were', async () => {
    const doc = jsonReport(await loadAll(), VERSION);
    expect(doc.comparison?.strategies.map((s) => s.strategy)).toEqual(['agent-template', 'secret-sync-restart', 'init-renewer']);
    expect(Object.keys(doc.comparison!.strategies[0])).toEqual(['rank', 'strategy', 'label', 'failures', 'failureRate',
      'worstDowntimeMs', 'restarts', 'rollouts', 'inPlaceRestarts', 'reloads', 'topCauses', 'credentialsIssued', 'leasesLeft',
      'peakLiveRoles', 'vaultCalls', 'pass']);
    expect(doc.runs[0].strategy?.leases.live.map((p) => p.live)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const old = jsonReport([await load('graceful-three', join(root, 'test', 'fixtures', 'results'))], VERSION);
    expect(old.comparison).toBeUndefined();
    expect(old.runs[0].strategy).toBeUndefined();
  });

  it('JUnit has one testsuite per strategy with its thresholds as testcases', async () => {
    const runs = await loadAll();
    const doc = parseXml(await renderReport(runs, 'junit', { color: false, version: VERSION }));
    const suites = findAll(doc, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(STRATEGIES.map((s) => `vaultctl.${s}`));
    suites.forEach((s, i) => expect(findAll(s, 'testcase').length).toBe(runs[i].verdict.results.length));
    expect(findAll(suites[2], 'failure').length).toBeGreaterThan(0);
    expect(findAll(suites[1], 'property').find((p) => p.attrs.name === 'rank')?.attrs.value).toBe('1');
  });

  it('draws every timeline on one time axis (the longest measured range) with a live-lease line', async () => {
    const runs = await loadAll();
    // Cut one run's measured range short: its timeline must keep the others' scale.
    const a = runs[1].analysis;
    const short = { ...runs[1], analysis: analyzeRun({ events: runs[1].events, timeline: runs[1].timeline, settleMs: a.settleMs,
      leadMs: a.leadMs, measureFromMs: a.measureFromMs, measureToMs: a.measureFromMs + 10_000 }) };
    const html = renderHtmlReport([runs[0], short, runs[2]]);
    const data = [...html.matchAll(/<script type="application\/json" id="run-\d-timeline-data">(.*?)<\/script>/g)].map((m) => JSON.parse(m[1]));
    // Best first: agent-template (cut short), secret-sync-restart, init-renewer.
    expect(data.map((d) => [d.rangeMs, d.dataMs])).toEqual([[20_000, 10_000], [20_000, 20_000], [20_000, 20_000]]);
    const ticks = (n: number) => [...html.split('<figure>')[n].matchAll(/<text class="tick" x="([\d.]+)"[^>]*>([\d.]+)s</g)].map((m) => `${m[2]}@${m[1]}`);
    expect(ticks(2)).toEqual(ticks(1));
    expect(ticks(1).length).toBeGreaterThan(5);
    expect((html.match(/<path class="leases-line"/g) ?? []).length).toBe(3);
    // All three together, best first, before the runs' sections (which then draw none).
    const timelines = html.slice(html.indexOf('<section class="timelines">'), html.indexOf('<section class="run"'));
    expect([...timelines.matchAll(/<h3><a href="#run-(\d)">([^<]+)<\/a><\/h3>/g)].map((m) => `${m[1]} ${m[2]}`))
      .toEqual(['2 1. agent-template', '1 2. secret-sync-restart', '3 3. init-renewer']);
    expect(html.slice(html.indexOf('<section class="run"'))).not.toContain('<svg');
    // A generic report draws each run on its own range.
    const own = renderHtmlReport([short]);
    expect(JSON.parse(own.match(/id="run-1-timeline-data">(.*?)<\/script>/)![1]).rangeMs).toBe(10_000);
  });
});
