import type { ReportRun } from './report-run.js';
import { compareStrategies, RANKING_ORDER, type StrategyComparison, type StrategyRow } from './strategy-comparison.js';
import { layoutTable, type Align } from './table-layout.js';
import { formatMs } from './text-table.js';
import { formatRate } from './verdict-format.js';

/** One figure of the strategy table: its name and its cell for a row. */
export interface StrategyFigure {
  figure: string;
  cell(r: StrategyRow): string;
}

/** The figures of the strategy table, top to bottom (text, Markdown and HTML share them). */
export const STRATEGY_FIGURES: readonly StrategyFigure[] = [
  { figure: 'rank', cell: (r) => String(r.rank) },
  { figure: 'run', cell: (r) => r.label },
  { figure: 'rollouts', cell: (r) => String(r.rollouts) },
  { figure: 'in-place restarts', cell: (r) => String(r.inPlaceRestarts) },
  { figure: 'reloads', cell: (r) => String(r.reloads) },
  { figure: 'requests', cell: (r) => String(r.requests) },
  { figure: 'failures', cell: (r) => String(r.failures) },
  { figure: 'failure rate', cell: (r) => formatRate(r.failureRate) },
  { figure: 'worst downtime', cell: (r) => formatMs(r.worstDowntimeMs) },
  { figure: 'top causes', cell: (r) => r.topCauses.map((c) => `${c.cause}×${c.count}`).join(' ') || '-' },
  { figure: 'credentials issued', cell: (r) => String(r.leases.issued) },
  { figure: 'lease renewals', cell: (r) => String(r.leases.renewed) },
  { figure: 'leases left at end', cell: (r) => String(r.leases.outstandingAtEnd) },
  { figure: 'peak live roles', cell: (r) => (r.leases.peak.live === 0 ? '0' : `${r.leases.peak.live} at ${(r.leases.peak.tMs / 1000).toFixed(1)}s`) },
  { figure: 'Vault calls', cell: (r) => String(r.leases.vaultCalls) },
  { figure: 'verdict', cell: (r) => (r.pass ? 'PASS' : 'FAIL') },
];

/** "ranked by fewest failed requests, then ...": the order, in words. */
export const RANKING_SENTENCE = `ranked by ${RANKING_ORDER.join(', then ')}`;

/** Notes under the table: what restarts and Vault calls count, where the times come from. */
export const STRATEGY_NOTES = 'restarts = rollouts + in-place restarts; leases left = live when the run ended ' +
  '(vaultctl\'s cleanup revoked them); Vault calls = issue + renew + revoke, cleanup excluded; ' +
  'peak live roles at run-clock seconds';

/** The strategy table as aligned text: a title, figures × strategies (best first), order, recommendation. */
export function renderStrategyText(runs: readonly ReportRun[], cmp: StrategyComparison = compareStrategies(runs)): string {
  const rows = [['', ...cmp.rows.map((r) => r.strategy)], ...STRATEGY_FIGURES.map((f) => [f.figure, ...cmp.rows.map(f.cell)])];
  const align: Align[] = ['left', ...cmp.rows.map((): Align => 'right')];
  return [`${cmp.rows.length} strategies compared (${RANKING_SENTENCE})`, ...layoutTable(rows, align),
    `note: ${STRATEGY_NOTES}`, cmp.recommendation].join('\n') + '\n';
}
