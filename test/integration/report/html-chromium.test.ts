import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { readResultsDir } from '../../../src/results/results-dir.js';
import { renderHtmlReport } from '../../../src/report/html/render-html.js';
import type { ReportRun } from '../../../src/report/report-run.js';
import { loadReportRun, uniqueLabels } from '../../../src/report/load-report-run.js';
import { countColour, decodePng } from '../../support/png-pixels.js';
import { chromium, skipBrowser } from '../../support/chromium.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'results-html', 'single-ungraceful');
const OUT = join(ROOT, 'test', '.out');
const HTML_FILE = join(OUT, 'html-report.html');
const SCREENSHOT = join(OUT, 'html-report.png');
const STRATEGY_FIXTURES = join(ROOT, 'test', 'fixtures', 'results-strategies');
const STRATEGY_HTML = join(OUT, 'strategy-report.html');
const STRATEGY_SCREENSHOT = join(OUT, 'strategy-report.png');
/** The live-lease line's stroke (styles.ts `.leases-line`). */
const LEASE_COLOUR = '#6f42c1';

async function loadRun(): Promise<ReportRun> {
  const { run, events, timeline } = await readResultsDir(FIXTURE);
  const analysis = analyzeRun({
    events, timeline, settleMs: run.analysis.settleMs, leadMs: run.analysis.leadMs,
    measureFromMs: run.measureFromMs, measureToMs: run.measureToMs,
  });
  return { label: run.scenario.name, dir: FIXTURE, run, events, timeline, analysis, verdict: { pass: true, results: [] } };
}

describe.skipIf(skipBrowser)('HTML report in headless Chromium', () => {
  it('renders every rollout window and runs its inline script', { timeout: 150_000 }, async () => {
    const run = await loadRun();
    mkdirSync(OUT, { recursive: true });
    writeFileSync(HTML_FILE, renderHtmlReport([run]));
    const dom = await chromium(['--dump-dom'], pathToFileURL(HTML_FILE).href);
    expect(dom).toContain('</svg>');
    expect((dom.match(/<rect class="rollout-window"/g) ?? []).length).toBe(run.analysis.rollouts.length);
    expect(dom).toMatch(/<g class="marker rotation"/);
    // The script ran (and was allowed by the page's Content-Security-Policy) after the static content.
    expect(dom).toMatch(/<svg class="timeline"[^>]*data-hover="ready"/);

    rmSync(SCREENSHOT, { force: true });
    await chromium([`--screenshot=${SCREENSHOT}`, '--window-size=1400,1000', '--hide-scrollbars'], pathToFileURL(HTML_FILE).href);
    expect(existsSync(SCREENSHOT)).toBe(true);
    const png = readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1400, 1000]);
    // A blank 1400×1000 page compresses to a few kB; the report's text and chart make far more.
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(40_000);
  });

  it('renders a strategy comparison: the ranked table, three timelines on one axis, live-lease lines in the screenshot',
    { timeout: 150_000 }, async () => {
      const runs = uniqueLabels(await Promise.all(['secret-sync-restart', 'agent-template', 'init-renewer']
        .map((s) => loadReportRun(join(STRATEGY_FIXTURES, s)))));
      mkdirSync(OUT, { recursive: true });
      writeFileSync(STRATEGY_HTML, renderHtmlReport(runs));
      const dom = await chromium(['--dump-dom'], pathToFileURL(STRATEGY_HTML).href);
      expect(dom).toContain('<h2>Strategy comparison</h2>');
      expect(dom).toContain('recommended: agent-template');
      expect((dom.match(/<svg class="timeline"[^>]*data-hover="ready"/g) ?? []).length).toBe(3);
      expect((dom.match(/<path class="leases-line"/g) ?? []).length).toBe(3);

      rmSync(STRATEGY_SCREENSHOT, { force: true });
      await chromium([`--screenshot=${STRATEGY_SCREENSHOT}`, '--window-size=1400,3200', '--hide-scrollbars'], pathToFileURL(STRATEGY_HTML).href);
      const png = decodePng(readFileSync(STRATEGY_SCREENSHOT));
      expect([png.width, png.height]).toEqual([1400, 3200]);
      // The three timelines are on screen (best first; secret-sync-restart's climbs to 6 live leases):
      // its purple step line and legend swatch are drawn, not just present in the markup.
      expect(countColour(png, LEASE_COLOUR)).toBeGreaterThan(300);
      expect(statSync(STRATEGY_SCREENSHOT).size).toBeGreaterThan(40_000);
    });
});
