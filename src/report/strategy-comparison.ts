import { leaseAccounting, type LeaseAccounting } from '../analysis/leases.js';
import { restartCounts } from '../analysis/restarts.js';
import { deliveryStrategyOf, type DeliveryStrategyName } from '../scenario/delivery-strategy.js';
import { maxDowntime } from './compare-table.js';
import type { ReportRun } from './report-run.js';
import { formatMs } from './text-table.js';

/*
 * The strategy comparison of issue 11: the same scenario run once per delivery strategy, ranked.
 * The ranking order is fixed and documented in RANKING_ORDER; the recommendation names the best
 * strategy and, for every other one, the first criterion on which it loses.
 */

/** The ranking criteria, in order (each breaks the ties of the one before; then the order given). */
export const RANKING_ORDER = ['fewest failed requests', 'shortest worst downtime', 'fewest restarts (rollouts + in-place)',
  'fewest leases left at the end'] as const;

/** One strategy's figures in the comparison. */
export interface StrategyRow {
  /** Position in the ranking, from 1. */
  rank: number;
  strategy: DeliveryStrategyName;
  /** The run's label (its column in the per-run sections). */
  label: string;
  /** Where the run was in the list given (from 0): its section and suite. */
  position: number;
  /** Rolling restarts, replicas restarted in place, and reloads (SIGHUP / re-read). */
  rollouts: number;
  inPlaceRestarts: number;
  reloads: number;
  /** Requests, failed requests and failure rate of the measured range. */
  requests: number;
  failures: number;
  failureRate: number;
  /** Longest downtime of any rollout or of the baseline, ms. */
  worstDowntimeMs: number;
  /** The measured range's failures by cause, largest first, at most three. */
  topCauses: Array<{ cause: string; count: number }>;
  /** Lease accounting (issued, renewed, revoked, expired, outstanding at end, Vault calls, live series, peak). */
  leases: LeaseAccounting;
  /** Whether the run's verdict passed. */
  pass: boolean;
}

/** The ranked rows and the one-line recommendation. */
export interface StrategyComparison {
  rows: StrategyRow[];
  recommendation: string;
}

/**
 * Whether runs compare strategies: at least two runs, each a different delivery strategy
 * (`deliveryStrategyOf(run.scenario.delivery)`). Anything else (one run, or runs repeating a
 * strategy, like two settings of the same one) is the generic comparison of runs.
 */
export function isStrategyComparison(runs: readonly ReportRun[]): boolean {
  if (runs.length < 2) return false;
  const names = runs.map((r) => strategyOf(r));
  return new Set(names).size === names.length;
}

/** The strategy a run emulates. */
export function strategyOf(run: ReportRun): DeliveryStrategyName {
  return deliveryStrategyOf(run.run.scenario.delivery);
}

/** Ranks runs (RANKING_ORDER; ties keep the order given) and writes the recommendation. */
export function compareStrategies(runs: readonly ReportRun[]): StrategyComparison {
  const rows = runs.map((r, i) => ({ row: strategyRow(r, i), i }))
    .sort((a, b) => rankKey(a.row).reduce((d, k, j) => d || k - rankKey(b.row)[j], 0) || a.i - b.i)
    .map(({ row }, i) => ({ ...row, rank: i + 1 }));
  return { rows, recommendation: recommend(rows) };
}

/** Rollouts plus in-place restarts: every replica replacement the strategy caused. */
export function restartsOf(row: StrategyRow): number {
  return row.rollouts + row.inPlaceRestarts;
}

function rankKey(r: StrategyRow): number[] {
  return [r.failures, r.worstDowntimeMs, restartsOf(r), r.leases.outstandingAtEnd];
}

function strategyRow(run: ReportRun, position: number): StrategyRow {
  const o = run.analysis.overall;
  return {
    rank: 0,
    strategy: strategyOf(run),
    label: run.label,
    position,
    ...restartCounts(run.events),
    requests: o.requests,
    failures: o.failures,
    failureRate: o.failureRate,
    worstDowntimeMs: maxDowntime(run),
    topCauses: Object.entries(o.byCause).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([cause, count]) => ({ cause, count })),
    leases: leaseAccounting(run.events),
    pass: run.verdict.pass,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * "recommended: agent-template (0 failures, 0 restarts, 1 lease left); secret-sync-restart: 0
 * failures but 5 restarts, 6 leases left; init-renewer: 40 failures (http_5xx:28P01)": the best
 * row's figures, then each other row with its trade-off: more failures (and their top cause),
 * or the same failures but what it costs more than the best (downtime, restarts, leases left).
 */
function recommend(rows: readonly StrategyRow[]): string {
  const [best, ...rest] = rows;
  if (best === undefined) return '';
  const head = `recommended: ${best.strategy} (${plural(best.failures, 'failure')}, ${plural(restartsOf(best), 'restart')}, ` +
    `${plural(best.leases.outstandingAtEnd, 'lease')} left)`;
  return [head, ...rest.map((r) => `${r.strategy}: ${tradeOff(r, best)}`)].join('; ');
}

function tradeOff(r: StrategyRow, best: StrategyRow): string {
  const failures = plural(r.failures, 'failure');
  if (r.failures > best.failures) return r.topCauses.length ? `${failures} (${r.topCauses[0].cause})` : failures;
  const costs = [
    ...(r.worstDowntimeMs > best.worstDowntimeMs ? [`${formatMs(r.worstDowntimeMs)} downtime`] : []),
    ...(restartsOf(r) > restartsOf(best) ? [plural(restartsOf(r), 'restart')] : []),
    ...(r.leases.outstandingAtEnd > best.leases.outstandingAtEnd ? [`${plural(r.leases.outstandingAtEnd, 'lease')} left`] : []),
  ];
  return costs.length ? `${failures} but ${costs.join(', ')}` : `${failures}, tied with ${best.strategy}`;
}
