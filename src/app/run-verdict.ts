import type { Scenario, ThresholdSpec } from '../scenario/model.js';
import type { RunAnalysis } from '../analysis/analyze.js';
import { evaluateThresholds, type VerdictContext } from '../analysis/verdict.js';
import type { ThresholdResult, Verdict } from '../analysis/verdict-types.js';
import { expectsRollouts, findIncompleteness, type RunStatus } from '../analysis/completeness.js';
import { hasMeasured, type MeasuredSoFar } from './run-session.js';

/**
 * The end-of-run verdict; a threshold that aborted the run always shows as failed in it. `context`
 * says whether rollouts were expected and whether the run completed (see evaluateThresholds).
 */
export function judge(analysis: RunAnalysis, thresholds: ThresholdSpec[], abortedBy: ThresholdResult | undefined,
  context: VerdictContext = {}): Verdict {
  const verdict = evaluateThresholds(analysis, thresholds, context);
  if (!abortedBy) return verdict;
  const seen = verdict.results.some((r) => !r.pass && r.expression === abortedBy.expression && r.subject === abortedBy.subject);
  const results = seen ? verdict.results : [...verdict.results, { ...abortedBy, note: `${abortedBy.note ?? 'crossed'}; the run was aborted (abortOnFail)` }];
  return { ...verdict, pass: false, results };
}

/**
 * Thresholds evaluated on the data so far, for the live view: pass/fail per expression, or null
 * before there is anything to judge. Rollouts still running count with what they have so far.
 */
export function thresholdsSoFar(thresholds: ThresholdSpec[], run: MeasuredSoFar): { expression: string; pass: boolean | null }[] {
  if (!hasMeasured(run)) return thresholds.map((t) => ({ expression: t.expression, pass: null }));
  const verdict = evaluateThresholds(run.analyzeSoFar(), thresholds);
  return thresholds.map((t) => {
    const mine = verdict.results.filter((r) => r.expression === t.expression);
    return { expression: t.expression, pass: mine.length === 0 ? null : mine.every((r) => r.pass) };
  });
}

/** How a run ended, as far as the verdict cares. */
export interface RunEnding {
  status: RunStatus;
  abortedBy?: ThresholdResult;
  /** The redacted error that ended it, or ''. */
  error: string;
}

/**
 * The verdict of a finished run; undefined when it stopped before the load (nothing to judge).
 * The log in memory is whole (run_finished was emitted); only the status can make it partial.
 */
export function finalVerdict(s: Scenario, run: MeasuredSoFar, thresholds: ThresholdSpec[], end: RunEnding,
  analysis: RunAnalysis): Verdict | undefined {
  if (!run.range()) return undefined;
  return judge(analysis, thresholds, end.abortedBy, { expectRollouts: expectsRollouts(s),
    incomplete: findIncompleteness(end.status, { present: true, finished: true }, end.error || undefined) });
}
