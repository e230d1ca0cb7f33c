import type { Runtime } from '../runtime/runtime.js';
import type { Scenario, ThresholdSpec } from '../scenario/model.js';
import type { ReplicaCounts } from '../ports/replica-counts.js';
import type { Reporter } from '../ports/reporter.js';
import { createLineReporter } from '../ui/line-reporter.js';
import { logStream, startLiveView, throttledThresholds, type LiveView } from '../ui/live-view.js';
import type { RunSession } from './run-session.js';
import { thresholdsSoFar } from './run-verdict.js';

/** A run's face on stderr: the live view and the progress lines that land above it. */
export interface RunView {
  view: LiveView;
  reporter: Reporter;
  /** Where replica counts come from once the workload runs. */
  showCounts(counts: () => ReplicaCounts | undefined): void;
}

/** Starts the live view of a run (ink on a TTY, plain lines otherwise, nothing with --quiet), fed by its session. */
export function openRunView(rt: Runtime, s: Scenario, session: RunSession, thresholds: ThresholdSpec[], quiet: boolean): RunView {
  let counts: (() => ReplicaCounts | undefined) | undefined;
  const view = startLiveView({
    stderr: rt.stderr, color: rt.color, quiet, scenario: s.name,
    totalMs: s.load.warmUpMs + s.load.durationMs, warmUpMs: s.load.warmUpMs,
    source: { snapshot: () => session.recorder.snapshot(session.now()), counts: () => counts?.(), now: session.now,
      thresholds: throttledThresholds(() => thresholdsSoFar(thresholds, session)) },
  });
  session.onEvent((e) => view.onEvent(e));
  // Every progress line goes through the view so that it lands above the live area.
  const reporter = createLineReporter({ ...rt, stderr: logStream(view, rt.stderr) }, { quiet });
  return { view, reporter, showCounts: (fn) => { counts = fn; } };
}
