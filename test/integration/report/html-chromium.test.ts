import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { readResultsDir } from '../../../src/results/results-dir.js';
import { renderHtmlReport } from '../../../src/report/html/render-html.js';
import type { ReportRun } from '../../../src/report/report-run.js';
import { loadReportRun, uniqueLabels } from '../../../src/report/load-report-run.js';
import { countColour, decodePng } from './png-pixels.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'results-html', 'single-ungraceful');
const OUT = join(ROOT, 'test', '.out');
const HTML_FILE = join(OUT, 'html-report.html');
const SCREENSHOT = join(OUT, 'html-report.png');
const CHROMIUM_TIMEOUT_MS = 60_000;
const STRATEGY_FIXTURES = join(ROOT, 'test', 'fixtures', 'results-strategies');
const STRATEGY_HTML = join(OUT, 'strategy-report.html');
const STRATEGY_SCREENSHOT = join(OUT, 'strategy-report.png');
/** The live-lease line's stroke (styles.ts `.leases-line`). */
const LEASE_COLOUR = '#6f42c1';

// .ci/run installs Chromium and sets VAULTCTL_REQUIRE_BROWSER=1, so a missing browser fails CI.
// Elsewhere (`npm ci && npm test` on a machine without it) the test is skipped with a note.
const skipBrowser = !existsSync(CHROMIUM) && process.env.VAULTCTL_REQUIRE_BROWSER !== '1';
if (skipBrowser) {
  console.warn(`skipping the headless Chromium report test: ${CHROMIUM} is missing ` +
    '(install Debian\'s chromium, or run .ci/run, to include it)');
}

async function loadRun(): Promise<ReportRun> {
  const { run, events, timeline } = await readResultsDir(FIXTURE);
  const analysis = analyzeRun({
    events, timeline, settleMs: run.analysis.settleMs, leadMs: run.analysis.leadMs,
    measureFromMs: run.measureFromMs, measureToMs: run.measureToMs,
  });
  return { label: run.scenario.name, dir: FIXTURE, run, events, timeline, analysis, verdict: { pass: true, results: [] } };
}

const profiles: string[] = [];

afterEach(() => {
  for (const dir of profiles.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs headless Chromium on a page with a fresh profile and returns its stdout. The flags keep it
 * off the network (this machine's network is closed; CI's may be too). On timeout the whole
 * process group it started is killed.
 */
function chromium(extra: string[], url: string): Promise<string> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with ` +
      '`apt-get install -y --no-install-recommends chromium` (CI does this in .ci/run)');
  }
  const profile = mkdtempSync(join(tmpdir(), 'vaultctl-chromium-'));
  profiles.push(profile);
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...extra, url];
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`chromium timed out after ${CHROMIUM_TIMEOUT_MS} ms\n${stderr.slice(-2000)}`));
    }, CHROMIUM_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`chromium exited with ${code}\n${stderr.slice(-2000)}`));
    });
  });
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
