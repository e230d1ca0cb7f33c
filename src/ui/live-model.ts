import type { RunEvent } from '../ports/events.js';
import type { TimelineSnapshot } from '../recorder/timeline-recorder.js';
import type { ReplicaCounts } from '../ports/replica-counts.js';
import {
  initialLiveState, reduceEvent, withPhase, withSnapshot, withThresholds,
  type LivePhase, type LiveState, type ThresholdProvider,
} from './live-state.js';

/** Where the live view reads numbers from; polled, never pushed per request. */
export interface LiveSource {
  /** Cheap totals (TimelineRecorder.snapshot). */
  snapshot(): TimelineSnapshot;
  /** Replica counts, undefined until the replicas exist (LocalSupervisor.counts). */
  counts(): ReplicaCounts | undefined;
  /** Run clock ms (the same clock as event times). */
  now(): number;
  /** Thresholds so far, from the verdict code when it is wired. */
  thresholds?: ThresholdProvider;
}

/**
 * The one mutable holder of a LiveState, shared by the ink and plain front ends: events are
 * reduced as they come, numbers are polled by `poll()`. A failing source never breaks the run.
 */
export class LiveModel {
  state: LiveState;

  constructor(private readonly source: LiveSource, scenario: string, totalMs: number, warmUpMs = 0) {
    this.state = initialLiveState(scenario, totalMs, warmUpMs);
  }

  apply(e: RunEvent): void {
    this.state = reduceEvent(this.state, e);
  }

  setPhase(p: LivePhase): void {
    this.state = withPhase(this.state, p);
  }

  /** Reads the source; on an error keeps the previous numbers (the view is only a view). */
  poll(): LiveState {
    try {
      this.state = withSnapshot(this.state, this.source.snapshot(), this.source.counts(), this.source.now());
    } catch {
      // A source that throws (e.g. the supervisor shutting down) must not end the run.
    }
    if (this.source.thresholds) {
      try {
        this.state = withThresholds(this.state, this.source.thresholds());
      } catch {
        // Same: thresholds so far are informative only.
      }
    }
    return this.state;
  }
}

/** The handle `startLiveView` returns (see live-view.ts). */
export interface LiveView {
  /** Feeds a run event: updates the state and prints its event line (once load started). */
  onEvent(e: RunEvent): void;
  /** Sets the phase (the caller knows when cleanup begins). */
  setPhase(p: LivePhase): void;
  /** Prints a line above the live area (a line that must stay, e.g. a step or a warning). */
  log(line: string): void;
  /** Stops polling and unmounts, leaving the final frame; later `log` lines go straight to stderr. */
  stop(): Promise<void>;
}

/**
 * Wraps an expensive thresholds function (a partial analysis) so the 250 ms polls reuse its last
 * answer for `everyMs`. `clock` is monotonic ms (injectable for tests).
 */
export function throttledThresholds(compute: ThresholdProvider, everyMs = 1000,
  clock: () => number = () => performance.now()): ThresholdProvider {
  let cached: ReturnType<ThresholdProvider> | undefined;
  let at = -Infinity;
  return () => {
    const t = clock();
    if (cached === undefined || t - at >= everyMs) {
      cached = compute();
      at = t;
    }
    return cached;
  };
}
