import type { RolloutStats } from '../analysis/analyze.js';
import type { WindowStats } from '../analysis/stats.js';
import type { ReportRun } from './report-run.js';
import { compareRows } from './compare-table.js';
import { compareStrategies, isStrategyComparison } from './strategy-comparison.js';
import { RANKING_SENTENCE, STRATEGY_FIGURES, STRATEGY_NOTES } from './strategy-report.js';
import { formatMs, sentAsked } from './text-table.js';
import { databaseCauseSentence, loadSentence, runWarnings, startupSentence } from './run-notes.js';
import { formatLatency, formatMetricValue, formatRate, isCheck, resultSubject, verdictWord } from './verdict-format.js';

/**
 * The `--format markdown` report, GitHub-flavoured, for `$GITHUB_STEP_SUMMARY` and PR comments:
 * a heading with ✅/❌ per run, warnings (an incomplete run, a schedule not delivered, missing
 * rollouts, failed rotations), the rollout table, the baseline and overall rows, what the load
 * generator sent, and a table of threshold results. Several runs get a comparison table (one column per run) first;
 * runs of distinct delivery strategies get the ranked strategy table and the recommendation instead.
 */
export function renderMarkdownReport(runs: readonly ReportRun[]): string {
  if (runs.length === 1) return renderRunMarkdown(runs[0], '##');
  if (isStrategyComparison(runs)) return renderStrategyMarkdown(runs);
  const failed = runs.filter((r) => !r.verdict.pass).length;
  const head = `## ${failed ? '❌' : '✅'} vaultctl: ${runs.length} runs compared` +
    `${failed ? ` (${failed} failed)` : ''}\n\n`;
  const rows = [['', ...runs.map((r) => md(r.label))], ...compareRows(runs).map((r) => [r.figure, ...r.cells.map(md)])];
  const table = mdTable(rows, ['left', ...runs.map((): Side => 'right')]);
  return head + table + '\n\n' + runs.map((r) => renderRunMarkdown(r, '###')).join('\n');
}

function renderStrategyMarkdown(runs: readonly ReportRun[]): string {
  const cmp = compareStrategies(runs);
  const failed = runs.filter((r) => !r.verdict.pass).length;
  const head = `## ${failed ? '❌' : '✅'} vaultctl: ${runs.length} strategies compared` +
    `${failed ? ` (${failed} failed)` : ''}\n\n`;
  const rows = [['', ...cmp.rows.map((r) => md(r.strategy))], ...STRATEGY_FIGURES.map((f) => [f.figure, ...cmp.rows.map((r) => md(f.cell(r)))])];
  const table = mdTable(rows, ['left', ...cmp.rows.map((): Side => 'right')]);
  return head + `**${md(cmp.recommendation)}**\n\n` + table + `\n\n${md(`${RANKING_SENTENCE}; ${STRATEGY_NOTES}`)}\n\n` +
    runs.map((r) => renderRunMarkdown(r, '###')).join('\n');
}

/** One run's section under a heading of the given level. */
export function renderRunMarkdown(run: ReportRun, heading: '##' | '###'): string {
  const a = run.analysis;
  const n = a.rollouts.length;
  const out: string[] = [
    `${heading} ${run.verdict.pass ? '✅' : '❌'} vaultctl rotate-test: ${md(run.label)}`,
    '',
    `${n} ${n === 1 ? 'rollout' : 'rollouts'}, ${((a.measureToMs - a.measureFromMs) / 1000).toFixed(1)}s measured · ` +
      `status ${run.run.status} · verdict **${verdictWord(run.verdict)}**`,
    '',
  ];
  if (run.run.error) out.push(`> ${md(run.run.error)}`, '');
  const warnings = runWarnings(run);
  if (warnings.length > 0) out.push(warnings.map((w) => `> ⚠️ ${md(w)}`).join('\n>\n'), '');
  const rows = [['#', 'trigger', 'start', 'duration', 'sent/asked', 'failures', 'rate', 'downtime', 'p99', 'causes']];
  for (const r of a.rollouts) rows.push(rolloutCells(r, a.measureFromMs));
  rows.push(['', '*baseline*', '', formatMs(a.baseline.spanMs), ...statCells(a.baseline)]);
  rows.push(['', '*overall*', '', formatMs(a.overall.spanMs), ...statCells(a.overall)]);
  out.push(mdTable(rows, ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left']));
  const load = loadSentence(run.run.load);
  if (load) out.push('', `Load: ${md(load)}`);
  const startup = startupSentence(a);
  if (startup) out.push('', `Start-up (spawn → ready): ${md(startup)}`);
  const db = databaseCauseSentence(a);
  if (db) out.push('', `Database errors (its own log): ${md(db)}`);
  if (run.verdict.results.length > 0) {
    const results = [['', 'threshold', 'subject', 'observed', 'note']];
    for (const r of run.verdict.results) {
      // A check is no threshold: what happened goes in as plain text, not code.
      const what = isCheck(r.metric) ? md(r.expression) : `\`${r.expression.replace(/\|/g, '\\|')}\``;
      results.push([r.pass ? '✅' : '❌', what, md(resultSubject(r, a)),
        isCheck(r.metric) ? '' : formatMetricValue(r.metric, r.observed), md(r.note ?? '')]);
    }
    out.push('', mdTable(results, ['left', 'left', 'left', 'right', 'left']));
  }
  return out.join('\n') + '\n';
}

type Side = 'left' | 'right';

function rolloutCells(r: RolloutStats, measureFromMs: number): string[] {
  const duration = r.durationMs === null ? '**incomplete**' : formatMs(r.durationMs);
  return [String(r.index), r.trigger, `${((r.startMs - measureFromMs) / 1000).toFixed(1)}s`, duration, ...statCells(r)];
}

function statCells(s: WindowStats): string[] {
  const causes = Object.entries(s.byCause).map(([cause, n]) => `\`${cause.replace(/\|/g, '\\|')}\`×${n}`).join(' ');
  return [sentAsked(s), String(s.failures), formatRate(s.failureRate), formatMs(s.downtimeMs),
    formatLatency(s.latencyMs.p99), causes || '-'];
}

/** A GFM table without a final newline; the first row is the header. */
function mdTable(rows: string[][], align: Side[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = align.map((a) => (a === 'right' ? '---:' : ':---'));
  return [line(rows[0]), line(rule), ...rows.slice(1).map(line)].join('\n');
}

/** Plain text made inert in Markdown: no emphasis, links, HTML or table breaks; one line. */
export function md(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\`*_{}[\]<>|#!]/g, (c) => `\\${c}`);
}
