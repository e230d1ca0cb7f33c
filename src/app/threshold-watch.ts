import { analyzeRun } from '../analysis/analyze.js';
import { shouldAbort } from '../analysis/verdict.js';
import type { ThresholdResult } from '../analysis/verdict-types.js';
import type { RunEvent } from '../ports/events.js';
import type { TimelineView } from '../recorder/timeline-data.js';
import type { Scenario, ThresholdSpec } from '../scenario/model.js';

/** What the watch reads while a run goes on. */
export interface ThresholdWatchInput {
  scenario: Scenario;
  /** Thresholds in force (scenario merged with flags); only `abortOnFail` ones are watched. */
  thresholds: readonly ThresholdSpec[];
  /** The event log so far (appended to by the run). */
  events: readonly RunEvent[];
  /** The live recorder (TimelineRecorder is a TimelineView: no copy needed). */
  timeline: TimelineView;
  /** Run clock, ms. */
  now(): number;
  /** Start and planned end of the measured range. */
  measureFromMs: number;
  endMs: number;
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
  const { scenario } = input;
  const timer = setInterval(() => {
    const now = Math.min(input.now(), input.endMs);
    if (now <= input.measureFromMs) return;
    const partial = analyzeRun({
      events: input.events, timeline: input.timeline, settleMs: scenario.analysis.settleMs,
      leadMs: scenario.analysis.leadMs, measureFromMs: input.measureFromMs, measureToMs: now,
    });
    const hit = shouldAbort(partial, watched);
    if (!hit) return;
    clearInterval(timer);
    input.onAbort(hit);
  }, input.everyMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
