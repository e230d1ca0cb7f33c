import type { RunAnalysis } from '../analysis/analyze.js';
import type { CheckMetric, ThresholdResult, Verdict } from '../analysis/verdict-types.js';
import type { ThresholdMetric } from '../scenario/model.js';
import type { ReportRun } from './report-run.js';
import { formatMs } from './text-table.js';

/** A threshold metric or a check (a failed rotation, a database failure, an incomplete run). */
export type ResultMetric = ThresholdMetric | CheckMetric;

const CHECKS: ReadonlySet<string> = new Set<CheckMetric>(['rotation.failed', 'database.failed', 'load.worker_lost', 'run.incomplete']);

/** True for a check result: no threshold was written, something happened that fails the run. */
export function isCheck(metric: ResultMetric): metric is CheckMetric {
  return CHECKS.has(metric);
}

/** How a metric's values read: a ratio shown as %, milliseconds, or a count. */
export function metricKind(metric: ResultMetric): 'rate' | 'time' | 'count' {
  if (metric.endsWith('failure_rate') || metric === 'load.sent_ratio') return 'rate';
  return metric === 'leases.outstanding' || isCheck(metric) ? 'count' : 'time';
}

/** A value of a metric for people: `2.345%`, `850ms`, `4.21s`, `3`; `n/a` for null. */
export function formatMetricValue(metric: ResultMetric, value: number | null): string {
  if (value === null) return 'n/a';
  switch (metricKind(metric)) {
    case 'rate': return formatRate(value);
    case 'time': return formatMs(value);
    case 'count': return String(value);
  }
}

/** A threshold's limit as people write it: `0.1%`, `500ms`, `2.00s`, `10`. */
export function formatLimit(metric: ResultMetric, value: number): string {
  return metricKind(metric) === 'rate' ? `${Number((value * 100).toPrecision(10))}%` : formatMetricValue(metric, value);
}

/** A ratio as a percentage with three decimals, like the run table. */
export function formatRate(ratio: number): string {
  return `${(ratio * 100).toFixed(3)}%`;
}

/** Histogram values carry ±5 %, so two or three significant digits say all there is. */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** What a result judged: `rollout 2 (refresh)`, `rollouts`, `baseline`, `run`, `leases`, `load`, `rotation`. */
export function resultSubject(r: ThresholdResult, analysis: RunAnalysis): string {
  if (r.rollout === undefined) return r.subject;
  const trigger = analysis.rollouts.find((ro) => ro.index === r.rollout)?.trigger;
  return trigger ? `${r.subject} (${trigger})` : r.subject;
}

/**
 * The name CI shows for a result: `rollout 2 (refresh): rollout.failure_rate < 0.1%`; a check
 * names what happened: `rotation at 16.0s (refresh) failed`.
 */
export function resultName(r: ThresholdResult, analysis: RunAnalysis): string {
  return isCheck(r.metric) ? r.expression : `${resultSubject(r, analysis)}: ${r.expression}`;
}

/**
 * `observed 26.207% (38 of 145 requests failed)`, `nothing observed (why)` when nothing was; a
 * check's detail is its note (the error message, or what is missing).
 */
export function resultDetail(r: ThresholdResult): string {
  if (isCheck(r.metric)) return r.note ?? '';
  const observed = r.observed === null ? 'nothing observed' : `observed ${formatMetricValue(r.metric, r.observed)}`;
  return r.note ? `${observed} (${r.note})` : observed;
}

/** Names of the failed results of a run, for ThresholdsCrossedError; prefixed by label when given. */
export function failedResultNames(verdict: Verdict, analysis: RunAnalysis, label?: string): string[] {
  return verdict.results.filter((r) => !r.pass)
    .map((r) => (label ? `${label} ${resultName(r, analysis)}` : resultName(r, analysis)));
}

/**
 * `PASS`, `PASS (no thresholds)`, `FAIL (2 of 9 failed)`, or for a run whose data is not whole
 * `INCOMPLETE` / `INTERRUPTED` with the count of what failed on the partial data: never PASS then.
 */
export function verdictWord(verdict: Verdict): string {
  if (verdict.incomplete) {
    const judged = verdict.results.filter((r) => r.metric !== 'run.incomplete');
    const failed = judged.filter((r) => !r.pass).length;
    return `${verdictHead(verdict)} (on partial data: ${failed} of ${judged.length} failed)`;
  }
  const failed = verdict.results.filter((r) => !r.pass).length;
  if (verdict.results.length === 0) return verdict.pass ? 'PASS (no thresholds)' : 'FAIL';
  return failed === 0 && verdict.pass ? 'PASS' : `FAIL (${failed} of ${verdict.results.length} failed)`;
}

/** The verdict in one word: `PASS`, `FAIL`, `INCOMPLETE` or `INTERRUPTED`. */
export function verdictHead(verdict: Verdict): 'PASS' | 'FAIL' | 'INCOMPLETE' | 'INTERRUPTED' {
  if (verdict.incomplete) return verdict.incomplete.kind === 'interrupted' ? 'INTERRUPTED' : 'INCOMPLETE';
  return verdict.pass ? 'PASS' : 'FAIL';
}

/** Every failed result of every run, named `<label>: <result>` when several runs are reported. */
export function failedAcrossRuns(runs: readonly ReportRun[]): string[] {
  return runs.flatMap((r) => failedResultNames(r.verdict, r.analysis, runs.length > 1 ? `[${r.label}]` : undefined));
}
