import type { RolloutStats, RunAnalysis } from './analyze.js';
import type { WindowStats } from './stats.js';
import type { ThresholdMetric, ThresholdSpec } from '../scenario/model.js';
import type { Incompleteness } from './completeness.js';
import type { ThresholdResult, Verdict } from './verdict-types.js';

/** What the verdict needs besides the analysis: what the scenario promised and how the run ended. */
export interface VerdictContext {
  /** The scenario should have rolled its workload (see expectsRollouts). */
  expectRollouts?: boolean;
  /** The run did not complete or its files are missing or truncated (see findIncompleteness). */
  incomplete?: Incompleteness;
}

/**
 * Threshold evaluation (pure). Rules:
 *
 * - `rollout.*` metrics give one result per rollout row; the others one result for the run.
 * - Rates compare ratios (failures / requests, sent / scheduled), times milliseconds, `leases.outstanding` a count.
 * - Nothing measured: a request-derived metric (rates, downtime, p99) of a window without requests
 *   has observed `null`. When the window is empty because it lies outside the measured range
 *   (span 0, e.g. a rollout during warm-up), there was nothing to measure: it passes with a note.
 *   When the window had load running (span > 0) but no request started in it, requests hung or
 *   the load generator stalled, which hides exactly the failures a threshold guards: it FAILS.
 * - `rollout.duration` of a rollout that never completed is `null` and FAILS ("rollout never completed").
 * - A run without rollouts gives no `rollout.*` results — unless the scenario expected rollouts
 *   (`context.expectRollouts`): then every `rollout.*` threshold FAILS with observed null
 *   ("expected rollouts, none observed"), so a run whose rotations never rolled cannot pass.
 * - Every failed rotation and every database failure in the analysis is a failing check result.
 * - A run whose data is not whole (`context.incomplete`) gets a failing `run.incomplete` check and
 *   never passes, whatever its thresholds say.
 */
export function evaluateThresholds(analysis: RunAnalysis, thresholds: readonly ThresholdSpec[],
  context: VerdictContext = {}): Verdict {
  const results: ThresholdResult[] = [];
  const missingRollouts = context.expectRollouts === true && analysis.rollouts.length === 0;
  for (const t of thresholds) {
    if (!isPerRollout(t.metric)) results.push(judgeRun(t, analysis));
    else if (missingRollouts) results.push({ ...base(t, 'rollouts', null), pass: false, note: 'expected rollouts, none observed' });
    else for (const r of analysis.rollouts) results.push(judgeRollout(t, r));
  }
  results.push(...checkResults(analysis, context.incomplete));
  const pass = results.every((r) => r.pass) && context.incomplete === undefined;
  return context.incomplete ? { pass, results, incomplete: context.incomplete } : { pass, results };
}

/** Failing checks: each failed rotation, each database failure, and an incomplete run. */
function checkResults(a: RunAnalysis, incomplete: Incompleteness | undefined): ThresholdResult[] {
  const check = (metric: ThresholdResult['metric'], subject: string, expression: string, note: string): ThresholdResult =>
    ({ expression, metric, subject, observed: 1, limit: 0, op: '==', pass: false, note });
  const at = (t: number) => `${((t - a.measureFromMs) / 1000).toFixed(1)}s`;
  // Old analyses (run.json of earlier versions) have neither list.
  const out = (a.failedRotations ?? []).map((f) =>
    check('rotation.failed', 'rotation', `rotation at ${at(f.t)} (${f.trigger}) failed`, f.message));
  for (const d of a.databaseFailures ?? []) out.push(check('database.failed', 'database', `database failed at ${at(d.t)}`, d.message));
  // A lost worker's share was never measured: the rates of the run do not stand for its schedule.
  for (const w of a.lostLoadWorkers ?? []) {
    out.push(check('load.worker_lost', 'load', `load worker ${w.worker}/${w.workers} lost at ${at(w.t)}`,
      `${w.reason}; ${w.notSent} requests of its share recorded as not_sent (worker_lost)`));
  }
  if (incomplete) {
    out.push(check('run.incomplete', 'run', incomplete.kind === 'interrupted' ? 'run interrupted' : 'run incomplete',
      incomplete.reasons.join('; ')));
  }
  return out;
}

/**
 * Scenario thresholds overridden by command-line ones: a flag threshold REPLACES every scenario
 * threshold of the same metric and a flag for a new metric adds to them. Result order: the
 * scenario's surviving thresholds as written, then the flag thresholds as given.
 */
export function mergeThresholds(fromScenario: readonly ThresholdSpec[], fromFlags: readonly ThresholdSpec[]): ThresholdSpec[] {
  const overridden = new Set(fromFlags.map((t) => t.metric));
  return [...fromScenario.filter((t) => !overridden.has(t.metric)), ...fromFlags];
}

/**
 * The first `abortOnFail` threshold that a run in progress has already crossed for good, or
 * undefined. `partial` is an analysis of the run so far (measureToMs = now). Only results that
 * cannot recover are judged, so a run is never stopped on a value that could still come back:
 * - `rollout.*` on rollouts whose window has closed (completed and settled before measureToMs);
 * - `rollout.downtime` / `rollout.duration` upper bounds (`<`, `<=`) also on rollouts still open,
 *   as both only grow (duration so far = measureToMs − start);
 * - `baseline.failure_rate`, `latency.p99` and `load.sent_ratio` on the data so far, like k6's abortOnFail;
 * - `leases.outstanding` never: leases are released at the end of a run, so mid-run counts mislead.
 * Nulls (nothing measured yet) never abort.
 */
export function shouldAbort(partial: RunAnalysis, thresholds: readonly ThresholdSpec[]): ThresholdResult | undefined {
  for (const t of thresholds) {
    if (!t.abortOnFail || t.metric === 'leases.outstanding') continue;
    if (!isPerRollout(t.metric)) {
      const r = judgeRun(t, partial);
      if (!r.pass && r.observed !== null) return r;
      continue;
    }
    for (const ro of partial.rollouts) {
      const closed = ro.completed && ro.window.toMs < partial.measureToMs;
      if (closed) {
        const r = judgeRollout(t, ro);
        if (!r.pass && r.observed !== null) return r;
        continue;
      }
      const growing = t.metric === 'rollout.downtime' || t.metric === 'rollout.duration';
      if (!growing || (t.op !== '<' && t.op !== '<=')) continue;
      const soFar = t.metric === 'rollout.duration' ? Math.max(0, partial.measureToMs - ro.startMs) : ro.downtimeMs;
      if (!compare(soFar, t.op, t.value)) {
        return { ...base(t, `rollout ${ro.index}`, soFar), rollout: ro.index, pass: false,
          note: `rollout ${ro.index} still in progress and already past the limit` };
      }
    }
  }
  return undefined;
}

/** True when the metric is judged once per rollout. */
export function isPerRollout(metric: ThresholdMetric): boolean {
  return metric.startsWith('rollout.');
}

function judgeRollout(t: ThresholdSpec, r: RolloutStats): ThresholdResult {
  const subject = `rollout ${r.index}`;
  if (t.metric === 'rollout.duration') {
    if (r.durationMs === null) return { ...base(t, subject, null), rollout: r.index, pass: false, note: 'rollout never completed' };
    return { ...judged(t, subject, r.durationMs), rollout: r.index };
  }
  return { ...judgeWindow(t, subject, r), rollout: r.index };
}

function judgeRun(t: ThresholdSpec, a: RunAnalysis): ThresholdResult {
  switch (t.metric) {
    case 'baseline.failure_rate':
      return judgeWindow(t, 'baseline', a.baseline);
    case 'latency.p99':
      return judgeWindow(t, 'run', a.overall);
    case 'load.sent_ratio':
      return judgeWindow(t, 'load', a.overall);
    case 'leases.outstanding': {
      const r = judged(t, 'leases', a.leases.outstanding);
      return r.pass ? r : { ...r, note: `${a.leases.issued} issued, ${a.leases.expired} expired, ${a.leases.revoked} revoked` };
    }
    default:
      throw new Error(`${t.metric} is a per-rollout metric`);
  }
}

/** A request-derived metric of one window, with the nothing-measured rule. */
function judgeWindow(t: ThresholdSpec, subject: string, s: WindowStats): ThresholdResult {
  if (s.requests === 0) {
    return s.spanMs === 0
      ? { ...base(t, subject, null), pass: true, note: 'outside the measured range: nothing to measure' }
      : { ...base(t, subject, null), pass: false,
        note: `no request started in ${Math.round(s.spanMs)}ms of load: nothing measured (requests hung or load stalled?)` };
  }
  const observed = t.metric.endsWith('failure_rate') ? s.failureRate
    : t.metric === 'load.sent_ratio' ? sentRatio(s)
      : t.metric.endsWith('downtime') ? s.downtimeMs
        : s.latencyMs.p99;
  const r = judged(t, subject, observed);
  if (r.pass) return r;
  if (t.metric === 'load.sent_ratio') return { ...r, note: `${s.sent} of ${s.scheduled} scheduled requests sent` };
  return t.metric.endsWith('failure_rate') ? { ...r, note: `${s.failures} of ${s.requests} requests failed` } : r;
}

/** sent / scheduled of a window (1 without requests). */
export function sentRatio(s: WindowStats): number {
  return s.scheduled > 0 ? s.sent / s.scheduled : 1;
}

function judged(t: ThresholdSpec, subject: string, observed: number | null): ThresholdResult {
  return { ...base(t, subject, observed), pass: observed !== null && compare(observed, t.op, t.value) };
}

function base(t: ThresholdSpec, subject: string, observed: number | null): Omit<ThresholdResult, 'pass'> {
  return { expression: t.expression, metric: t.metric, subject, observed, limit: t.value, op: t.op };
}

/** `observed op limit`; ratios are compared as computed (0.1% is exactly 0.001 after parsing). */
export function compare(observed: number, op: ThresholdSpec['op'], limit: number): boolean {
  switch (op) {
    case '<': return observed < limit;
    case '<=': return observed <= limit;
    case '>': return observed > limit;
    case '>=': return observed >= limit;
    case '==': return observed === limit;
    case '!=': return observed !== limit;
  }
}
