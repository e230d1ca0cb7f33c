import type { RunEvent } from '../ports/events.js';
import type { Scenario, ThresholdSpec } from '../scenario/model.js';
import type { TimelineRecorder } from '../recorder/timeline-recorder.js';
import { analyzeRun, type RunAnalysis } from '../analysis/analyze.js';
import { evaluateThresholds, type VerdictContext } from '../analysis/verdict.js';
import type { ThresholdResult, Verdict } from '../analysis/verdict-types.js';

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
export function thresholdsSoFar(s: Scenario, thresholds: ThresholdSpec[], events: RunEvent[],
  recorder: TimelineRecorder, now: () => number,
  measure: { measureFromMs: number; endMs: number } | undefined): { expression: string; pass: boolean | null }[] {
  const to = measure ? Math.min(now(), measure.endMs) : 0;
  if (!measure || to <= measure.measureFromMs) return thresholds.map((t) => ({ expression: t.expression, pass: null }));
  const partial = analyzeRun({ events, timeline: recorder, settleMs: s.analysis.settleMs, leadMs: s.analysis.leadMs,
    measureFromMs: measure.measureFromMs, measureToMs: to });
  const verdict = evaluateThresholds(partial, thresholds);
  return thresholds.map((t) => {
    const mine = verdict.results.filter((r) => r.expression === t.expression);
    return { expression: t.expression, pass: mine.length === 0 ? null : mine.every((r) => r.pass) };
  });
}
