import type { RunAnalysis } from '../analysis/analyze.js';
import type { ThresholdResult, Verdict } from '../analysis/verdict-types.js';
import type { ThresholdMetric } from '../scenario/model.js';
import type { ReportRun } from './report-run.js';
import { formatMs } from './text-table.js';

/** How a metric's values read: a ratio shown as %, milliseconds, or a count. */
export function metricKind(metric: ThresholdMetric): 'rate' | 'time' | 'count' {
  if (metric.endsWith('failure_rate')) return 'rate';
  return metric === 'leases.outstanding' ? 'count' : 'time';
}

/** A value of a metric for people: `2.345%`, `850ms`, `4.21s`, `3`; `n/a` for null. */
export function formatMetricValue(metric: ThresholdMetric, value: number | null): string {
  if (value === null) return 'n/a';
  switch (metricKind(metric)) {
    case 'rate': return formatRate(value);
    case 'time': return formatMs(value);
    case 'count': return String(value);
  }
}

/** A threshold's limit as people write it: `0.1%`, `500ms`, `2.00s`, `10`. */
export function formatLimit(metric: ThresholdMetric, value: number): string {
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

/** What a result judged: `rollout 2 (refresh)`, `baseline`, `run`, `leases`. */
export function resultSubject(r: ThresholdResult, analysis: RunAnalysis): string {
  if (r.rollout === undefined) return r.subject;
  const trigger = analysis.rollouts.find((ro) => ro.index === r.rollout)?.trigger;
  return trigger ? `${r.subject} (${trigger})` : r.subject;
}

/** The name CI shows for a result: `rollout 2 (refresh): rollout.failure_rate < 0.1%`. */
export function resultName(r: ThresholdResult, analysis: RunAnalysis): string {
  return `${resultSubject(r, analysis)}: ${r.expression}`;
}

/** `observed 26.207% (38 of 145 requests failed)`, or the note alone when nothing was observed. */
export function resultDetail(r: ThresholdResult): string {
  const observed = r.observed === null ? 'nothing observed' : `observed ${formatMetricValue(r.metric, r.observed)}`;
  return r.note ? `${observed} (${r.note})` : observed;
}

/** Names of the failed results of a run, for ThresholdsCrossedError; prefixed by label when given. */
export function failedResultNames(verdict: Verdict, analysis: RunAnalysis, label?: string): string[] {
  return verdict.results.filter((r) => !r.pass)
    .map((r) => (label ? `${label} ${resultName(r, analysis)}` : resultName(r, analysis)));
}

/** `PASS`, `PASS (no thresholds)` or `FAIL (2 of 9 failed)`. */
export function verdictWord(verdict: Verdict): string {
  const failed = verdict.results.filter((r) => !r.pass).length;
  if (verdict.results.length === 0) return 'PASS (no thresholds)';
  return failed === 0 ? 'PASS' : `FAIL (${failed} of ${verdict.results.length} failed)`;
}

/** Every failed result of every run, named `<label>: <result>` when several runs are reported. */
export function failedAcrossRuns(runs: readonly ReportRun[]): string[] {
  return runs.flatMap((r) => failedResultNames(r.verdict, r.analysis, runs.length > 1 ? `[${r.label}]` : undefined));
}
