import type { ReportRun } from '../report-run.js';
import type { StrategyComparison, StrategyRow } from '../strategy-comparison.js';
import { RANKING_SENTENCE, STRATEGY_FIGURES, STRATEGY_NOTES } from '../strategy-report.js';
import { escapeHtml } from './html-escape.js';
import { renderTimelineFigure } from './run-section.js';

/** Figures shown red when a strategy has any of them (the costs a reader should not miss). */
const BAD: Readonly<Record<string, (r: StrategyRow) => boolean>> = {
  failures: (r) => r.failures > 0,
  'failure rate': (r) => r.failures > 0,
  'worst downtime': (r) => r.worstDowntimeMs > 0,
  'leases left at end': (r) => r.leases.outstandingAtEnd > 0,
  verdict: (r) => !r.pass,
};

/**
 * The strategy comparison of the HTML report: the recommendation, the ranked table (one column per
 * strategy, best first, each header linking to its run's section) and how it ranks.
 */
export function renderStrategyTable(cmp: StrategyComparison): string {
  const head = cmp.rows.map((r) => `<th><a href="#run-${r.position + 1}">${escapeHtml(r.strategy)}</a></th>`).join('');
  const rows = STRATEGY_FIGURES.map((f) => {
    const cells = cmp.rows.map((r) => `<td${BAD[f.figure]?.(r) ? ' class="bad"' : ''}>${escapeHtml(f.cell(r))}</td>`).join('');
    return `<tr><th class="text">${escapeHtml(f.figure)}</th>${cells}</tr>`;
  });
  return [
    '<section class="comparison strategies">',
    '<h2>Strategy comparison</h2>',
    `<p class="recommendation">${escapeHtml(cmp.recommendation)}</p>`,
    `<table class="comparison"><thead><tr><th class="text">strategy</th>${head}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody></table>`,
    `<p class="ranking">${escapeHtml(`${RANKING_SENTENCE}; ${STRATEGY_NOTES}.`)}</p>`,
    '</section>',
  ].join('\n');
}

/**
 * Every strategy's timeline, best first, on one time axis (`axisMs`: the longest measured range),
 * so a pile-up of leases or a burst of failures lines up across strategies. Each links to its run's section.
 */
export function renderStrategyTimelines(runs: readonly ReportRun[], cmp: StrategyComparison, axisMs: number): string {
  const figures = cmp.rows.map((r) => {
    const n = r.position + 1;
    const heading = `<h3><a href="#run-${n}">${escapeHtml(`${r.rank}. ${r.strategy}`)}</a></h3>`;
    return renderTimelineFigure(runs[n - 1], n, { axisMs }, heading);
  });
  return ['<section class="timelines">', '<h2>Timelines (one time axis)</h2>', ...figures, '</section>'].join('\n');
}
