import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { readResultsDir } from '../../../src/results/results-dir.js';
import type { TimelineData } from '../../../src/recorder/timeline-data.js';
import { renderHtmlReport } from '../../../src/report/html/render-html.js';
import { buildSeries } from '../../../src/report/html/series.js';
import type { ReportRun } from '../../../src/report/report-run.js';
import { renderRunTable } from '../../../src/report/text-table.js';

// Written by the real CLI: `node bin/vaultctl rotate-test test/fixtures/runs/single-ungraceful.yaml
// --out test/fixtures/results-html/single-ungraceful` (1 replica killed per rollout: 3 rollouts, all with failures).
const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'results-html', 'single-ungraceful');

async function loadRun(): Promise<ReportRun> {
  const { run, events, timeline } = await readResultsDir(FIXTURE);
  const analysis = analyzeRun({
    events, timeline, settleMs: run.analysis.settleMs, leadMs: run.analysis.leadMs,
    measureFromMs: run.measureFromMs, measureToMs: run.measureToMs,
  });
  return { label: run.scenario.name, dir: FIXTURE, run, events, timeline, analysis, verdict: { pass: true, results: [] } };
}

const count = (text: string, re: RegExp) => (text.match(new RegExp(re.source, 'g')) ?? []).length;

/** Text of each cell of each row matching `rowClass`, tags stripped and entities decoded. */
function rowCells(html: string, rowClass: string): string[][] {
  const rows = [...html.matchAll(new RegExp(`<tr class="${rowClass}"[^>]*>(.*?)</tr>`, 'g'))];
  return rows.map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => decode(c[1].replace(/<[^>]+>/g, ''))));
}

function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('renderHtmlReport', () => {
  let base: ReportRun;
  let html: string;
  beforeAll(async () => {
    base = await loadRun();
    html = renderHtmlReport([base]);
  });

  it('is one self-contained document that loads nothing', () => {
    expect(base.analysis.rollouts.length).toBe(3);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]*\bsrc\s*=/i);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/<link\b|<iframe\b|<img\b|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\bhref\s*=\s*"(?!#)/i);
    expect(html).toContain("default-src 'none'");
    // One inline script plus one JSON block per timeline; nothing else runs.
    expect(count(html, /<script\b/)).toBe(2);
    expect(html).not.toMatch(/password|\{\{/i);
  });

  it('shades exactly one window per rollout, each with its figures in a tooltip', () => {
    expect(count(html, /class="rollout-window"/)).toBe(base.analysis.rollouts.length);
    for (const r of base.analysis.rollouts) {
      const m = html.match(new RegExp(`<rect class="rollout-window" data-rollout="${r.index}"[^>]*><title>([^<]*)</title></rect>`));
      expect(m, `window of rollout ${r.index}`).not.toBeNull();
      const title = m![1];
      expect(title).toContain(`Rollout ${r.index}: ${r.trigger}`);
      expect(title).toContain(`requests ${r.requests}, failures ${r.failures} (rate ${(r.failureRate * 100).toFixed(3)}%)`);
      expect(title).toMatch(/start \d+\.\ds, duration \d+ms/);
      expect(title).toMatch(/downtime \d+ms/);
    }
  });

  it('draws rotations and issued credentials inside the measured range as markers with tooltips', () => {
    const inRange = (type: RunEvent['type']) => base.events.filter((e) =>
      e.type === type && e.t >= base.analysis.measureFromMs && e.t <= base.analysis.measureToMs).length;
    expect(inRange('rotation_triggered')).toBe(3);
    expect(count(html, /<g class="marker rotation"[^>]*><title>Rotation \(refresh\) at /)).toBe(3);
    expect(count(html, /<g class="marker issued"[^>]*><title>Credentials issued at /)).toBe(inRange('credentials_issued'));
    expect(html).not.toContain('class="marker lease-');
  });

  it('draws lease expiry and revocation markers', () => {
    const t = base.analysis.measureFromMs + 1000;
    const events: RunEvent[] = [...base.events,
      { t, type: 'lease_expired', leaseId: 'database/creds/app/EXP1' },
      { t: t + 500, type: 'lease_revoked', leaseId: 'database/creds/app/REV1', reason: 'revoke' },
      { t: base.analysis.measureFromMs - 500, type: 'lease_revoked', leaseId: 'before-range', reason: 'cleanup' }];
    const out = renderHtmlReport([{ ...base, events }]);
    expect(out).toMatch(/<g class="marker lease-expired" data-t="1\.000"><title>Lease expired at 1\.0s\nlease database\/creds\/app\/EXP1<\/title>/);
    expect(out).toMatch(/<g class="marker lease-revoked" data-t="1\.500"><title>Lease revoked \(revoke\) at 1\.5s/);
    expect(out).not.toContain('before-range');
  });

  it('has a legend naming every failure kind with its count, and axes in seconds', () => {
    for (const [kind, n] of Object.entries(base.analysis.overall.byKind)) {
      if (kind === 'ok' || n === 0) continue;
      expect(html).toContain(`>${kind} (${n})</text>`);
      expect(html).toMatch(new RegExp(`class="failure-band" data-kind="${kind}"`));
    }
    expect(html).toContain('>rollout window</text>');
    expect(html).toContain('>0s</text>');
    expect(html).toContain('seconds since the start of the measured range');
  });

  it('shows the same per-rollout figures as the text table', () => {
    const text = renderRunTable(base.analysis, { color: false, scenarioName: 'x' }).trimEnd().split('\n').slice(2);
    const textCells = text.map((line) => line.trim().split(/\s{2,}/));
    const htmlCells = [...rowCells(html, 'rollout'), ...rowCells(html, 'summary')].map((cells) => cells.filter((c) => c !== ''));
    expect(htmlCells).toEqual(textCells);
  });

  it('renders the verdict and each threshold result', () => {
    const out = renderHtmlReport([{ ...base, verdict: { pass: false, results: [{
      expression: 'rollout.failure_rate < 0.1%', metric: 'rollout.failure_rate', subject: 'rollout 1', rollout: 1,
      observed: 0.26, limit: 0.001, op: '<', pass: false, note: 'above the limit',
    }] } }]);
    expect(out).toContain('<span class="badge fail">FAIL</span>');
    expect(out).toMatch(/<td class="text">rollout\.failure_rate &lt; 0\.1%<\/td><td class="text">rollout 1<\/td><td>26\.000%<\/td><td>&lt; 0\.100%<\/td>/);
    expect(out).toContain('above the limit');
    expect(html).toContain('<span class="badge pass">PASS</span>');
  });

  it('escapes every string taken from the data', () => {
    const evil = '<script>alert(1)</script>';
    const run = { ...base.run, scenario: { ...base.run.scenario, name: evil }, error: '"><img src=x onerror=alert(2)>', status: 'failed' as const };
    const events: RunEvent[] = [...base.events,
      { t: base.analysis.measureFromMs + 100, type: 'lease_expired', leaseId: `</title><script>alert(3)</script>` }];
    const out = renderHtmlReport([{ ...base, label: evil, run, events, dir: '/tmp/<b>dir</b>' }]);
    expect(out).not.toContain('<script>alert');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>dir');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(out).toContain('&lt;/title&gt;&lt;script&gt;alert(3)');
    expect(count(out, /<script\b/)).toBe(2);
  });

  it('stacks several runs under a comparison table with one column per run', () => {
    const second = { ...base, label: 'second', verdict: { pass: false, results: [] } };
    const out = renderHtmlReport([base, second]);
    expect(out).toContain('<table class="comparison">');
    expect(out).toMatch(/<thead><tr><th class="text">run<\/th><th><a href="#run-1">single-ungraceful<\/a><\/th><th><a href="#run-2">second<\/a><\/th><\/tr><\/thead>/);
    expect(count(out, /<section class="run"/)).toBe(2);
    expect(count(out, /class="rollout-window"/)).toBe(6);
    expect(out).toContain('id="run-1-timeline"');
    expect(out).toContain('id="run-2-timeline"');
    expect(out).toMatch(/<tr><th class="text">verdict<\/th><td>pass<\/td><td class="bad">fail<\/td><\/tr>/);
    expect(html).not.toContain('class="comparison"');
    expect(renderHtmlReport([])).toContain('No runs to report.');
  });
});

function timeline(binMs: number, ok: number[], failures: TimelineData['failures'] = {}): TimelineData {
  return {
    version: 1, binMs, binCount: ok.length, ok, failures, causes: [],
    latency: { binMs: 100, layout: { subBuckets: 8, maxExponent: 30, bucketCount: 1 } as never, bins: [] }, dropped: 0,
  };
}

describe('buildSeries', () => {
  it('sums bins into 250 ms buckets of the measured range, as rates per second', () => {
    // 10 ms bins, 1 request each from 0 to 2 s; measure [500, 1500).
    const ok = new Array<number>(200).fill(1);
    const s = buildSeries(timeline(10, ok, { http_5xx: [[60, 5], [149, 2], [150, 9]], timeout: [] }), 500, 1500);
    expect(s.bucketMs).toBe(250);
    expect(s.spanMs).toEqual([250, 250, 250, 250]);
    expect(s.requestsPerSec).toEqual([120, 100, 100, 108]);
    expect(s.kinds).toEqual(['http_5xx']);
    expect(s.failuresPerSec.http_5xx).toEqual([20, 0, 0, 8]);
    expect(s.failureTotals).toEqual({ http_5xx: 7 });
  });

  it('keeps long runs within the point budget and merges a short tail bucket', () => {
    const hour = 3_600_000;
    const s = buildSeries(timeline(10, new Array<number>(hour / 10 + 10).fill(1)), 0, hour + 30);
    expect(s.spanMs.length).toBeLessThanOrEqual(2000);
    expect(s.bucketMs).toBe(2000);
    expect(s.spanMs.at(-1)).toBe(2030);
    expect(s.spanMs.reduce((a, b) => a + b, 0)).toBe(hour + 30);
    expect(s.requestsPerSec.every((r) => r === 100)).toBe(true);
  });

  it('adds up to the analysis totals on the real run', async () => {
    const run = await loadRun();
    const s = buildSeries(run.timeline, run.analysis.measureFromMs, run.analysis.measureToMs);
    const total = (rates: number[]) => Math.round(rates.reduce((sum, r, i) => sum + (r * s.spanMs[i]) / 1000, 0));
    expect(total(s.requestsPerSec)).toBe(run.analysis.overall.requests);
    for (const k of s.kinds) expect(total(s.failuresPerSec[k]!)).toBe(run.analysis.overall.byKind[k]);
  });
});
