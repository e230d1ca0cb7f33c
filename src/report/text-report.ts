import type { ReportRun } from './report-run.js';
import { leasesSentence, loadSentence, runWarnings, startupSentence, databaseCauseSentence, type NotedRun } from './run-notes.js';
import { renderCompareText } from './compare-table.js';
import { isStrategyComparison } from './strategy-comparison.js';
import { renderStrategyText } from './strategy-report.js';
import { layoutTable } from './table-layout.js';
import { formatMs, renderRunTable } from './text-table.js';
import { formatRate, resultDetail, resultName, verdictWord } from './verdict-format.js';

/** Options of the text report. */
export interface TextReportOptions {
  /** ANSI colours (only for a terminal without NO_COLOR; never for files). */
  color: boolean;
}

/**
 * The `--format text` report: one run prints its rollout table and verdict lines; several runs
 * print a comparison (one column per run) and then each run's own table and verdict. Runs of
 * distinct delivery strategies (isStrategyComparison) print the ranked strategy table instead.
 */
export function renderTextReport(runs: readonly ReportRun[], opts: TextReportOptions): string {
  const parts = runs.map((r) => renderRunText(r, opts, runs.length > 1));
  if (runs.length > 1) parts.unshift(isStrategyComparison(runs) ? renderStrategyText(runs) : renderCompareText(runs));
  return parts.join('\n');
}

/** One run: status when it did not complete, the rollout table, baseline, leases and verdict lines. */
export function renderRunText(run: ReportRun, opts: TextReportOptions, withDir = false): string {
  const head: string[] = [];
  if (withDir) head.push(`${run.label} (${run.dir})`);
  if (run.run.status !== 'completed') {
    head.push(`status: ${run.run.status}${run.run.error ? ` — ${run.run.error}` : ''}`);
  }
  const table = renderRunTable(run.analysis, { color: opts.color, scenarioName: run.run.scenario.name });
  return (head.length ? head.join('\n') + '\n' : '') + table + renderVerdictLines(run, opts);
}

/**
 * The lines printed under a run table: the baseline in a sentence, lease counts, what the load
 * generator sent (run.json `load`), warnings (an incomplete run, a schedule not delivered, missing
 * rollouts, failed rotations), one line per threshold result (✓/✗, `rollout 2 (refresh):
 * rollout.failure_rate < 0.1%`, what was observed) and the verdict. `rotate-test` prints the same
 * lines after its table.
 */
export function renderVerdictLines(run: NotedRun, opts: TextReportOptions): string {
  const { analysis, verdict } = run;
  const paint = (code: string, text: string) => (opts.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const b = analysis.baseline;
  const n = analysis.rollouts.length;
  const lines = [
    `baseline: ${b.failures} of ${b.requests} requests failed (${formatRate(b.failureRate)}) in ${formatMs(b.spanMs)} ` +
      `outside ${n} rollout ${n === 1 ? 'window' : 'windows'}`,
    `leases: ${leasesSentence(analysis.leases)}`,
  ];
  const load = loadSentence(run.run.load);
  if (load) lines.push(`load: ${load}`);
  const startup = startupSentence(analysis);
  if (startup) lines.push(`start-up (spawn → ready): ${startup}`);
  const db = databaseCauseSentence(analysis);
  if (db) lines.push(`database errors (its own log): ${db}`);
  lines.push(...runWarnings(run).map((w) => paint('33', `warning: ${w}`)));
  const reactions = analysis.rollouts.filter((r) => r.secretToRolloutMs !== undefined);
  if (reactions.length > 0) {
    lines.push(`secret changed → rollout started: ${reactions.map((r) => `#${r.index} ${formatMs(r.secretToRolloutMs!)}`).join(', ')}`);
  }
  if (verdict.results.length > 0) {
    lines.push('thresholds:');
    const rows = verdict.results.map((r) => [
      r.pass ? paint('32', '✓') : paint('31', '✗'), resultName(r, analysis), resultDetail(r)]);
    lines.push(...layoutTable(rows, ['left', 'left', 'left']).map((line) => `  ${line}`));
  }
  const word = verdictWord(verdict);
  lines.push(`verdict: ${verdict.pass ? paint('32', word) : paint('31', word)}`);
  return lines.join('\n') + '\n';
}
