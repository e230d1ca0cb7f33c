import type { Runtime } from '../runtime/runtime.js';
import { CleanupStack } from '../runtime/cleanup-stack.js';
import type { Scenario, ThresholdSpec } from '../scenario/model.js';
import { BugError, InterruptedError } from '../errors/errors.js';
import { mergeThresholds } from '../analysis/verdict.js';
import type { ThresholdResult } from '../analysis/verdict-types.js';
import type { ReportRun } from '../report/report-run.js';
import { failedResultNames } from '../report/verdict-format.js';
import type { RunOutputFormat } from '../report/formats.js';
import { runTarget } from '../targets/run-target.js';
import type { TargetRunResult } from '../targets/run-types.js';
import { RunSession } from './run-session.js';
import { watchThresholds } from './threshold-watch.js';
import { finalVerdict } from './run-verdict.js';
import { openRunView } from './run-view.js';
import { printRun } from './run-output.js';
import type { RotateTestDeps } from './rotate-test-deps.js';

/** How rotate-test runs one scenario. */
export interface ScenarioRunOptions {
  dir: string;
  quiet: boolean;
  /** `--threshold` expressions, parsed; they replace scenario thresholds of the same metric. */
  flagThresholds: ThresholdSpec[];
  format: RunOutputFormat;
  /** More than one scenario in this invocation: crossed thresholds are named with the scenario. */
  multi: boolean;
}

/** How one run ended: its report (when load ran), the thresholds it crossed, the error that ended it. */
export interface ScenarioRunResult {
  report?: ReportRun;
  crossed: string[];
  error?: unknown;
}

/**
 * Runs one scenario into `o.dir` on the target its `target:` names: live view on stderr, results
 * written as they come, then the analysis, verdict and report. Interrupts and failures still write
 * what was recorded; the error that ended the run is returned with the result, not thrown.
 */
export async function runScenario(rt: Runtime, deps: RotateTestDeps, s: Scenario, o: ScenarioRunOptions): Promise<ScenarioRunResult> {
  const thresholds = mergeThresholds(s.thresholds, o.flagThresholds);
  // An abortOnFail threshold crossed mid-run stops the run through this controller, apart from Ctrl-C.
  const thresholdAbort = new AbortController();
  let abortedBy: ThresholdResult | undefined;
  const signal = AbortSignal.any([rt.signal, thresholdAbort.signal]);
  const t0 = rt.clock.now();
  const session = await RunSession.open({ scenario: s, dir: o.dir, version: deps.version, now: () => rt.clock.now() - t0,
    startedAt: rt.clock.wallClock(), secrets: rt.secrets });
  const { now } = session;
  const { view, reporter, showCounts } = openRunView(rt, s, session, thresholds, o.quiet);
  const cleanup = new CleanupStack();
  reporter.info(`▶ ${s.name} (${s.source}) → ${o.dir}`);
  session.emit({ t: 0, type: 'run_started', target: s.target, scenario: s.name });

  let result: TargetRunResult | undefined;
  let failure: unknown;
  try {
    const ctx = { scenario: s, env: rt.env, cwd: rt.cwd, secrets: rt.secrets, events: session, reporter, now,
      wallClock: () => rt.clock.wallClock(), signal, cleanup,
      replicaOutput: (replica: string, chunk: string) => session.replicaLogs.write(replica, chunk) };
    // Everything after the target — recording, analysis, reports, thresholds — is shared.
    result = await runTarget(deps.targets[s.target], ctx, deps.load, session.recorder, {
      onLoadStart: (info) => {
        showCounts(info.counts);
        session.measuring(info);
        cleanup.defer('stop threshold watch', watchThresholds({ thresholds, run: session, onAbort: (hit) => {
          abortedBy = hit;
          reporter.info(`  ${(now() / 1000).toFixed(1)}s threshold crossed (abortOnFail): ${hit.subject}: ${hit.expression}; stopping the run`);
          thresholdAbort.abort(new Error(`threshold ${hit.expression} crossed`));
        } }));
      },
    });
  } catch (err) {
    failure = err;
  } finally {
    session.stopMeasuring();
    view.setPhase('cleanup');
    const cleanupStep = reporter.step('Cleaning up');
    const problems = await cleanup.runAll();
    if (problems.length) cleanupStep.fail(problems.join('; '));
    else cleanupStep.done();
  }
  session.emit({ t: now(), type: 'run_finished' });
  // The live area is gone before anything reaches stdout.
  await view.stop();

  // Ctrl-C wins over a threshold abort; a threshold abort is a failed run (exit 99), not an interrupted one.
  const interrupted = rt.signal.aborted || (result?.interrupted === true && !abortedBy);
  const status = interrupted ? 'interrupted' : failure || abortedBy ? 'failed' : 'completed';
  const analysis = session.analyzeSoFar();
  const error = [abortedBy ? `aborted: ${abortedBy.subject}: ${abortedBy.expression} crossed (abortOnFail)` : '',
    failure ? rt.secrets.redact(failure instanceof Error ? failure.message : String(failure)) : ''].filter(Boolean).join('; ');
  const verdict = finalVerdict(s, session, thresholds, { status, abortedBy, error }, analysis);
  const { run, timeline } = await session.finish({ status, load: result?.load, error, verdict }, analysis);
  const report: ReportRun | undefined = verdict
    ? { label: s.name, dir: o.dir, run, events: session.events, timeline, analysis, verdict }
    : undefined;
  await printRun(rt, { name: s.name, dir: o.dir, report, interrupted, format: o.format, quiet: o.quiet });

  const crossed = verdict ? failedResultNames(verdict, analysis, o.multi ? `[${s.name}]` : undefined) : [];
  if (interrupted) return { report, crossed: [], error: new InterruptedError('a signal') };
  if (abortedBy) return { report, crossed };
  if (failure) return { report, crossed: [], error: failure };
  if (!result || !verdict) return { report, crossed: [], error: new BugError('the run ended without a result') };
  return { report, crossed };
}
