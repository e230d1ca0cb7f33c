import type { Runtime } from '../runtime/runtime.js';
import type { Scenario } from '../scenario/model.js';
import type { RunEvent } from '../ports/events.js';
import { InterruptedError, UsageError } from '../errors/errors.js';
import { createLineReporter } from '../ui/line-reporter.js';
import { CleanupStack } from '../runtime/cleanup-stack.js';
import { TimelineRecorder } from '../recorder/timeline-recorder.js';
import { createResultsWriter } from '../results/results-dir.js';
import { maskScenario, scenarioSecrets } from '../results/mask-scenario.js';
import { RUN_SCHEMA_VERSION, TIME_ZERO_NOTE, type RunFile } from '../results/run-file.js';
import { analyzeRun } from '../analysis/analyze.js';
import { expectsRollouts, findIncompleteness } from '../analysis/completeness.js';
import { renderRunTable } from '../report/text-table.js';
import { runLocalScenario } from '../targets/local/local-run.js';
import { runKubernetesScenario } from '../targets/kubernetes/kubernetes-run.js';
import type { ReplicaCounts, TargetRunHooks, TargetRunResult } from '../targets/run-types.js';
import { mergeThresholds } from '../analysis/verdict.js';
import type { ThresholdResult } from '../analysis/verdict-types.js';
import type { ReportRun } from '../report/report-run.js';
import { renderVerdictLines } from '../report/text-report.js';
import { failedResultNames } from '../report/verdict-format.js';
import { appendStepSummary } from './report.js';
import { watchThresholds } from './threshold-watch.js';
import { logStream, startLiveView, throttledThresholds } from '../ui/live-view.js';
import { judge, thresholdsSoFar } from './run-verdict.js';
import type { RotateTestDeps, RunOutputs } from './rotate-test.js';

/**
 * Runs one scenario into `dir`: live view on stderr, results written as they come, then the
 * analysis, verdict and report. Interrupts and failures still write what was recorded.
 */
export async function runScenario(rt: Runtime, deps: RotateTestDeps, s: Scenario, dir: string, quiet: boolean,
  outputs: RunOutputs): Promise<void> {
  const thresholds = mergeThresholds(s.thresholds, outputs.flagThresholds);
  // An abortOnFail threshold crossed mid-run stops the run through this controller, apart from Ctrl-C.
  const thresholdAbort = new AbortController();
  let abortedBy: ThresholdResult | undefined;
  const signal = AbortSignal.any([rt.signal, thresholdAbort.signal]);
  // Secrets the user wrote (Authorization headers, DB_PASSWORD) are redacted from every line from now on.
  for (const secret of scenarioSecrets(s)) rt.secrets.add(secret);
  const writer = await createResultsWriter(dir, { redact: (text: string) => rt.secrets.redact(text) });
  const t0 = rt.clock.now();
  const now = () => rt.clock.now() - t0;
  const events: RunEvent[] = [];
  const recorder = new TimelineRecorder({ binMs: s.analysis.binMs,
    expectedDurationMs: s.load.warmUpMs + s.load.durationMs + 60_000 });
  let replicaCounts: (() => ReplicaCounts | undefined) | undefined;
  let measure: { measureFromMs: number; endMs: number } | undefined;
  const view = startLiveView({
    stderr: rt.stderr, color: rt.color, quiet, scenario: s.name,
    totalMs: s.load.warmUpMs + s.load.durationMs, warmUpMs: s.load.warmUpMs,
    source: {
      snapshot: () => recorder.snapshot(now()), counts: () => replicaCounts?.(), now,
      thresholds: throttledThresholds(() => thresholdsSoFar(s, thresholds, events, recorder, now, measure)),
    },
  });
  // Every progress line goes through the view so that it lands above the live area.
  const reporter = createLineReporter({ ...rt, stderr: logStream(view, rt.stderr) }, { quiet });
  const sink = { emit: (e: RunEvent) => { events.push(e); writer.emit(e); view.onEvent(e); } };
  const cleanup = new CleanupStack();
  const startedAt = rt.clock.wallClock().toISOString();
  // What every run.json of this run says about itself, checkpoints and the final one alike.
  const header: Pick<RunFile, 'schemaVersion' | 'tool' | 'scenario' | 'startedAt' | 'timeZero'> = {
    schemaVersion: RUN_SCHEMA_VERSION, tool: { name: 'vaultctl', version: deps.version }, scenario: maskScenario(s), startedAt,
    timeZero: TIME_ZERO_NOTE };
  reporter.info(`▶ ${s.name} (${s.source}) → ${dir}`);
  sink.emit({ t: 0, type: 'run_started', target: s.target, scenario: s.name });

  let result: TargetRunResult | undefined;
  let failure: unknown;
  let stoppedAt = 0;
  const hooks: TargetRunHooks = {
    onLoadStart: (info) => {
      replicaCounts = info.counts;
      measure = { measureFromMs: info.measureFromMs, endMs: info.endMs };
      cleanup.defer('stop checkpoints', startCheckpoints(() => {
        const to = Math.min(now(), info.endMs);
        const timeline = recorder.toData();
        const measureToMs = Math.max(info.measureFromMs, to);
        const analysis = analyzeRun({ events, timeline, settleMs: s.analysis.settleMs, leadMs: s.analysis.leadMs,
          measureFromMs: info.measureFromMs, measureToMs });
        return writer.checkpoint({ ...header, measureFromMs: info.measureFromMs, measureToMs, status: 'running', analysis }, timeline);
      }));
      cleanup.defer('stop threshold watch', watchThresholds({ scenario: s, thresholds, events, timeline: recorder, now,
        measureFromMs: info.measureFromMs, endMs: info.endMs, onAbort: (hit) => {
          abortedBy = hit;
          reporter.info(`  ${(now() / 1000).toFixed(1)}s threshold crossed (abortOnFail): ${hit.subject}: ${hit.expression}; stopping the run`);
          thresholdAbort.abort(new Error(`threshold ${hit.expression} crossed`));
        } }));
    },
  };
  try {
    const common = { scenario: s, env: rt.env, secrets: rt.secrets, events: sink, reporter, now, signal, cleanup };
    // Everything after the target — recording, analysis, reports, thresholds — is shared.
    result = s.target === 'kubernetes'
      ? await runKubernetesScenario({ ...common, deps: deps.kubernetes, cwd: rt.cwd, wallClock: () => rt.clock.wallClock() }, recorder, hooks)
      : await runLocalScenario({ ...common, deps: deps.local }, recorder, hooks);
  } catch (err) {
    failure = err;
  } finally {
    stoppedAt = now();
    view.setPhase('cleanup');
    const cleanupStep = reporter.step('Cleaning up');
    const problems = await cleanup.runAll();
    if (problems.length) cleanupStep.fail(problems.join('; '));
    else cleanupStep.done();
  }
  sink.emit({ t: now(), type: 'run_finished' });
  // The live area is gone before anything reaches stdout.
  await view.stop();

  // Ctrl-C wins over a threshold abort; a threshold abort is a failed run (exit 99), not an interrupted one.
  const interrupted = rt.signal.aborted || (result?.interrupted === true && !abortedBy);
  const status = interrupted ? 'interrupted' : failure || abortedBy ? 'failed' : 'completed';
  // A target that threw after the load started (Ctrl-C, a dead database) still has a measured range worth reporting.
  const range = result ?? (measure
    ? { measureFromMs: measure.measureFromMs, measureToMs: Math.max(measure.measureFromMs, Math.min(stoppedAt, measure.endMs)) }
    : undefined);
  const measureFromMs = range?.measureFromMs ?? 0;
  const measureToMs = range?.measureToMs ?? 0;
  const timeline = recorder.toData();
  const analysis = analyzeRun({ events, timeline, settleMs: s.analysis.settleMs, leadMs: s.analysis.leadMs, measureFromMs, measureToMs });
  const error = [abortedBy ? `aborted: ${abortedBy.subject}: ${abortedBy.expression} crossed (abortOnFail)` : '',
    failure ? rt.secrets.redact(failure instanceof Error ? failure.message : String(failure)) : ''].filter(Boolean).join('; ');
  // The log in memory is whole (run_finished was just emitted); only the status can make it partial.
  const verdict = range ? judge(analysis, thresholds, abortedBy, { expectRollouts: expectsRollouts(s),
    incomplete: findIncompleteness(status, { present: true, finished: true }, error || undefined) }) : undefined;
  const runFile = {
    ...header, measureFromMs, measureToMs, status, load: result?.load, analysis,
    ...(error ? { error } : {}), ...(verdict ? { verdict } : {}),
  } as const;
  await writer.finish(runFile, timeline);
  if (verdict) {
    const reportRun: ReportRun = { label: s.name, dir, run: runFile, events, timeline, analysis, verdict };
    outputs.runs.push(reportRun);
    if (outputs.format === 'text') {
      rt.stdout.write(renderRunTable(analysis, { color: false, scenarioName: s.name }) +
        renderVerdictLines(reportRun, { color: false }) + '\n');
    }
    await appendStepSummary(rt, [reportRun]);
  } else if (interrupted && outputs.format === 'text') {
    // Stopped before the load started: nothing to tabulate, but stdout still says how it ended.
    rt.stdout.write(`${s.name}: interrupted before the load started, nothing measured\nverdict: INTERRUPTED\n\n`);
  }
  if (!quiet) rt.stderr.write(`results: ${dir}\n`);
  if (interrupted) throw new InterruptedError('a signal');
  const crossed = verdict ? failedResultNames(verdict, analysis, outputs.multi ? `[${s.name}]` : undefined) : [];
  if (abortedBy) {
    outputs.crossed.push(...crossed);
    return;
  }
  if (failure) throw failure;
  if (!result || !verdict) throw new UsageError('no result');
  outputs.crossed.push(...crossed);
}

/** How often a running run rewrites timeline.json and run.json. */
const CHECKPOINT_EVERY_MS = 5000;

/** Writes a checkpoint every few seconds until the returned stop function is called. */
function startCheckpoints(write: () => Promise<void>): () => void {
  const timer = setInterval(() => void write(), CHECKPOINT_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
