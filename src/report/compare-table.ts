import type { ReportRun } from './report-run.js';
import { layoutTable, type Align } from './table-layout.js';
import { formatMs, sentAsked } from './text-table.js';
import { formatRate, verdictHead } from './verdict-format.js';

/** One key figure of the comparison: a label and one cell per run. */
export interface CompareRow {
  figure: string;
  cells: string[];
}

/**
 * The key figures of several runs side by side, one column per run: rollouts, requests, requests
 * sent of those asked, failures and failure rate of the measured range, the longest downtime and the verdict.
 */
export function compareRows(runs: readonly ReportRun[]): CompareRow[] {
  const row = (figure: string, cell: (r: ReportRun) => string): CompareRow => ({ figure, cells: runs.map(cell) });
  return [
    row('rollouts', (r) => String(r.analysis.rollouts.length)),
    row('requests', (r) => String(r.analysis.overall.requests)),
    row('sent/asked', (r) => sentAsked(r.analysis.overall)),
    row('failures', (r) => String(r.analysis.overall.failures)),
    row('failure rate', (r) => formatRate(r.analysis.overall.failureRate)),
    row('max downtime', (r) => formatMs(maxDowntime(r))),
    row('verdict', (r) => verdictCell(r)),
  ];
}

/** The comparison as an aligned text table, titled with the number of runs. */
export function renderCompareText(runs: readonly ReportRun[]): string {
  const rows = [['', ...runs.map((r) => r.label)], ...compareRows(runs).map((r) => [r.figure, ...r.cells])];
  const align: Align[] = ['left', ...runs.map((): Align => 'right')];
  return [`${runs.length} runs compared`, ...layoutTable(rows, align)].join('\n') + '\n';
}

/** Longest downtime of any rollout or of the baseline. */
export function maxDowntime(r: ReportRun): number {
  return Math.max(r.analysis.baseline.downtimeMs, ...r.analysis.rollouts.map((ro) => ro.downtimeMs));
}

function verdictCell(r: ReportRun): string {
  const head = verdictHead(r.verdict);
  return head === 'FAIL' ? `FAIL (${r.verdict.results.filter((x) => !x.pass).length})` : head;
}
