import type { LeaseAccounting } from '../analysis/leases.js';
import { leaseAccounting } from '../analysis/leases.js';
import { restartCounts, type RestartCounts } from '../analysis/restarts.js';
import type { DeliveryStrategyName } from '../scenario/delivery-strategy.js';
import type { ReportRun } from './report-run.js';
import { compareStrategies, RANKING_ORDER, restartsOf, strategyOf, type StrategyRow } from './strategy-comparison.js';

/*
 * The strategy part of the `--format json` document (json-report.ts): keys stable within its
 * schemaVersion, times in ms (instants on the run clock), rates as ratios.
 */

/** The strategy comparison: how it ranks, the ranked strategies and the one-line recommendation. */
export interface JsonStrategyComparison {
  kind: 'strategies';
  /** The ranking criteria in order (each breaks the ties of the one before; then the order given). */
  rankedBy: string[];
  /** "recommended: X (...); Y: ... but ...": the best strategy and what each other one loses on. */
  recommendation: string;
  /** One entry per strategy, best first. */
  strategies: JsonStrategyRow[];
}

/**
 * One strategy, ranked. `restarts` = rollouts + inPlaceRestarts; `failures`, `failureRate` and
 * `topCauses` (at most 3, largest first) are of the measured range; `worstDowntimeMs` is the
 * longest of any rollout or the baseline; `leasesLeft` = leases live when the run ended;
 * `peakLiveRoles` {live, tMs} on the run clock; `vaultCalls` = issue + renew + revoke (cleanup excluded).
 */
export interface JsonStrategyRow {
  rank: number;
  strategy: DeliveryStrategyName;
  label: string;
  failures: number;
  failureRate: number;
  worstDowntimeMs: number;
  restarts: number;
  rollouts: number;
  inPlaceRestarts: number;
  reloads: number;
  topCauses: Array<{ cause: string; count: number }>;
  credentialsIssued: number;
  leasesLeft: number;
  peakLiveRoles: { live: number; tMs: number };
  vaultCalls: number;
  pass: boolean;
}

/**
 * `runs[].strategy`: the delivery strategy and its costs: `name`, `restarts` {rollouts,
 * inPlaceRestarts, reloads} and `leases` (issued, renewed, revoked by the run, expired,
 * passwordRotations, outstandingAtEnd, vaultCalls, the `live` step series [{tMs, live}] on the run
 * clock and its `peak`).
 */
export interface JsonRunStrategy {
  name: DeliveryStrategyName;
  restarts: RestartCounts;
  leases: LeaseAccounting;
}

/** The ranking of runs that compare strategies (the report's `comparison`). */
export function jsonComparison(runs: readonly ReportRun[]): JsonStrategyComparison {
  const cmp = compareStrategies(runs);
  return { kind: 'strategies', rankedBy: [...RANKING_ORDER], recommendation: cmp.recommendation, strategies: cmp.rows.map(jsonStrategyRow) };
}

function jsonStrategyRow(r: StrategyRow): JsonStrategyRow {
  return {
    rank: r.rank, strategy: r.strategy, label: r.label, failures: r.failures, failureRate: r.failureRate,
    worstDowntimeMs: r.worstDowntimeMs, restarts: restartsOf(r), rollouts: r.rollouts, inPlaceRestarts: r.inPlaceRestarts,
    reloads: r.reloads, topCauses: r.topCauses.map((c) => ({ ...c })), credentialsIssued: r.leases.issued,
    leasesLeft: r.leases.outstandingAtEnd, peakLiveRoles: { live: r.leases.peak.live, tMs: micro(r.leases.peak.tMs) },
    vaultCalls: r.leases.vaultCalls, pass: r.pass,
  };
}

/** A run's strategy, restarts and lease accounting (`runs[].strategy`). */
export function jsonStrategy(r: ReportRun): JsonRunStrategy {
  const l = leaseAccounting(r.events);
  return {
    name: strategyOf(r), restarts: restartCounts(r.events),
    leases: { ...l, live: l.live.map((p) => ({ tMs: micro(p.tMs), live: p.live })), peak: { tMs: micro(l.peak.tMs), live: l.peak.live } },
  };
}

/** Clock differences rounded to the microsecond (as json-report.ts does). */
function micro(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
