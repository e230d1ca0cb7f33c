import { shouldAbort } from '../analysis/verdict.js';
import type { ThresholdResult } from '../analysis/verdict-types.js';
import type { ThresholdSpec } from '../scenario/model.js';
import { hasMeasured, type MeasuredSoFar } from './run-session.js';

/** What the watch reads while a run goes on. */
export interface ThresholdWatchInput {
  /** Thresholds in force (scenario merged with flags); only `abortOnFail` ones are watched. */
  thresholds: readonly ThresholdSpec[];
  /** The run so far (RunSession). */
  run: MeasuredSoFar;
  /** Called once with the threshold that was crossed for good. */
  onAbort(result: ThresholdResult): void;
  /** Re-analysis period; default 1000 ms. */
  everyMs?: number;
}

/**
 * Re-analyses the run every second and calls onAbort once when an `abortOnFail` threshold has
 * been crossed for good (see shouldAbort). Nothing is judged during warm-up. Returns a stop
 * function; without abortOnFail thresholds no timer starts at all.
 */
export function watchThresholds(input: ThresholdWatchInput): () => void {
  const watched = input.thresholds.filter((t) => t.abortOnFail);
  if (watched.length === 0) return () => {};
  const timer = setInterval(() => {
    if (!hasMeasured(input.run)) return;
    const hit = shouldAbort(input.run.analyzeSoFar(), watched);
    if (!hit) return;
    clearInterval(timer);
    input.onAbort(hit);
  }, input.everyMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
