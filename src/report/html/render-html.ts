import type { ReportRun } from '../report-run.js';
import { renderComparison } from './comparison.js';
import { HOVER_SCRIPT } from './hover-script.js';
import { escapeHtml } from './html-escape.js';
import { renderRunSection } from './run-section.js';
import { REPORT_CSS } from './styles.js';
import { compareStrategies, isStrategyComparison } from '../strategy-comparison.js';
import { renderStrategyTable, renderStrategyTimelines } from './strategy-table.js';

// Belt and braces for "no network": even a bug that emitted a URL could not make the page fetch it.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/**
 * Renders runs as one self-contained HTML document: inline CSS, inline SVG, one small optional
 * inline script, nothing loaded from anywhere. Each run gets a section (header, verdict, rollout
 * table, timeline); several runs also get a comparison table at the top, one column per run. Runs
 * of distinct delivery strategies get the ranked strategy table and recommendation instead, then
 * all their timelines together on one x axis (0 to the longest measured range) so they line up.
 * Every string from the data is escaped; the inputs (events and statistics) hold no secrets.
 */
export function renderHtmlReport(runs: ReportRun[]): string {
  const strategies = isStrategyComparison(runs);
  const title = runs.length === 1 ? `vaultctl report: ${runs[0].label}`
    : `vaultctl report: ${runs.length} ${strategies ? 'strategies' : 'runs'}`;
  const body = runs.length === 0 ? '<p class="subtitle">No runs to report.</p>'
    : strategies ? renderStrategyBody(runs)
      : [runs.length > 1 ? renderComparison(runs) : '', ...runs.map((run, i) => renderRunSection(run, i + 1))]
        .filter((s) => s !== '').join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    '<p class="subtitle">Request failures while credentials rotate and replicas roll. ' +
      'Times are seconds since the start of each run’s measured range (after warm-up).</p>',
    body,
    `<script>${HOVER_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The ranked table, every timeline together on one x scale (0 to the longest measured range), then each run's section. */
function renderStrategyBody(runs: readonly ReportRun[]): string {
  const cmp = compareStrategies(runs);
  const axisMs = Math.max(...runs.map((r) => r.analysis.measureToMs - r.analysis.measureFromMs));
  return [renderStrategyTable(cmp), renderStrategyTimelines(runs, cmp, axisMs),
    ...runs.map((run, i) => renderRunSection(run, i + 1, { timeline: false }))].join('\n');
}
