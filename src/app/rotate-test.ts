import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Runtime } from '../runtime/runtime.js';
import type { Scenario } from '../scenario/model.js';
import type { RunEvent } from '../ports/events.js';
import { ConfigError, InterruptedError, NotYetAvailableError, ThresholdsCrossedError, UsageError } from '../errors/errors.js';
import { loadScenarioFile } from '../scenario/loader.js';
import { createLineReporter } from '../cli/output.js';
import { CleanupStack } from './cleanup-stack.js';
import { TimelineRecorder } from '../recorder/timeline-recorder.js';
import { createResultsWriter } from '../recorder/results-dir.js';
import { RUN_SCHEMA_VERSION, TIME_ZERO_NOTE } from '../recorder/run-file.js';
import { analyzeRun, type RunAnalysis } from '../analysis/analyze.js';
import { renderRunTable } from '../report/text-table.js';
import type { LocalTargetDeps } from '../targets/local/local-deps.js';
import { runLocalScenario, type LocalRunResult } from '../targets/local/local-run.js';
import { startProgressTicker } from './progress-ticker.js';
import { eventLine } from './event-lines.js';
import { evaluateThresholds, mergeThresholds } from '../analysis/verdict.js';
import type { ThresholdResult, Verdict } from '../analysis/verdict-types.js';
import type { ThresholdSpec } from '../scenario/model.js';
import type { ReportRun } from '../report/report-run.js';
import { uniqueLabels } from '../report/load-report-run.js';
import { renderVerdictLines } from '../report/text-report.js';
import { failedResultNames } from '../report/verdict-format.js';
import { appendStepSummary, parseFlagThresholds, renderReport } from './report.js';
import { watchThresholds } from './threshold-watch.js';

/** What rotate-test needs besides the Runtime. */
export interface RotateTestDeps {
  local: LocalTargetDeps;
  version: string;
}

export interface RotateTestOptions {
  files: string[];
  out?: string;
  quiet: boolean;
  /** `--threshold` expressions (`;`-separated allowed); they replace scenario thresholds of the same metric. */
  thresholds?: string[];
  /** What stdout gets: the table with verdict lines (text, default) or one report document for all runs. */
  format?: RunOutputFormat;
}

/** The report formats rotate-test can print on stdout. */
export const RUN_OUTPUT_FORMATS = ['text', 'json', 'markdown', 'junit'] as const;
export type RunOutputFormat = (typeof RUN_OUTPUT_FORMATS)[number];

/** What each run adds: its report (when load ran) and the names of the thresholds it crossed. */
interface RunOutputs {
  runs: ReportRun[];
  crossed: string[];
  flagThresholds: ThresholdSpec[];
  format: RunOutputFormat;
  multi: boolean;
}

/**
 * `vaultctl rotate-test`: validates every scenario first (all errors at once), then runs them one
 * after the other, each into its own results directory, printing each table and its verdict on
 * stdout (or, with another format, one report of all runs at the end). Thresholds crossed in any
 * run exit 99 after every run and report is done; an interrupt still exits 105.
 */
export async function rotateTest(rt: Runtime, deps: RotateTestDeps, opts: RotateTestOptions): Promise<void> {
  const flagThresholds = parseFlagThresholds(opts.thresholds ?? []);
  const scenarios = await loadAll(rt, opts.files);
  for (const s of scenarios) {
    if (s.target !== 'local') throw new NotYetAvailableError(`target "${s.target}" (${s.source})`);
  }
  const stamp = rt.clock.wallClock().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const outputs: RunOutputs = { runs: [], crossed: [], flagThresholds, format: opts.format ?? 'text', multi: scenarios.length > 1 };
  try {
    for (const s of scenarios) {
      const dir = opts.out
        ? resolve(rt.cwd, scenarios.length > 1 ? join(opts.out, s.name) : opts.out)
        : resolve(rt.cwd, 'vaultctl-results', `${stamp}-${s.name}`);
      await runOne(rt, deps, s, dir, opts.quiet, outputs);
    }
  } finally {
    // One document for all runs, so `--format json` stays parseable; written even when a run failed.
    if (outputs.format !== 'text' && outputs.runs.length > 0) {
      rt.stdout.write(await renderReport(uniqueLabels(outputs.runs), outputs.format, { color: false, version: deps.version }));
    }
  }
  if (outputs.crossed.length > 0) throw new ThresholdsCrossedError(outputs.crossed);
}

async function loadAll(rt: Runtime, files: string[]): Promise<Scenario[]> {
  const out: Scenario[] = [];
  const issues: ConfigError['issues'] = [];
  for (const f of files) {
    try {
      out.push(await loadScenarioFile(f, (p: string) => readFile(resolve(rt.cwd, p), 'utf8')));
    } catch (err) {
      if (err instanceof ConfigError) issues.push(...err.issues);
      else throw err;
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, 'fix the errors above; `vaultctl validate FILE` checks without running');
  return out;
}

async function runOne(rt: Runtime, deps: RotateTestDeps, s: Scenario, dir: string, quiet: boolean,
  outputs: RunOutputs): Promise<void> {
  const thresholds = mergeThresholds(s.thresholds, outputs.flagThresholds);
  // An abortOnFail threshold crossed mid-run stops the run through this controller, apart from Ctrl-C.
  const thresholdAbort = new AbortController();
  let abortedBy: ThresholdResult | undefined;
  const signal = AbortSignal.any([rt.signal, thresholdAbort.signal]);
  const reporter = createLineReporter(rt, { quiet });
  const writer = await createResultsWriter(dir, { redact: (text: string) => rt.secrets.redact(text) });
  const t0 = rt.clock.now();
  const now = () => rt.clock.now() - t0;
  const events: RunEvent[] = [];
  let loadStarted = false;
  const sink = {
    emit: (e: RunEvent) => {
      events.push(e);
      writer.emit(e);
      if (e.type === 'load_started') loadStarted = true;
      const line = loadStarted ? eventLine(e) : undefined;
      if (line) reporter.info(line);
    },
  };
  const recorder = new TimelineRecorder({ binMs: s.analysis.binMs,
    expectedDurationMs: s.load.warmUpMs + s.load.durationMs + 60_000 });
  const cleanup = new CleanupStack();
  const startedAt = rt.clock.wallClock().toISOString();
  reporter.info(`▶ ${s.name} (${s.source}) → ${dir}`);
  sink.emit({ t: 0, type: 'run_started', target: s.target, scenario: s.name });

  let result: LocalRunResult | undefined;
  let failure: unknown;
  try {
    result = await runLocalScenario({ scenario: s, deps: deps.local, env: rt.env, secrets: rt.secrets, events: sink,
      reporter, now, signal, cleanup }, recorder, {
      onLoadStart: (info) => {
        cleanup.defer('stop progress', startProgressTicker(rt, reporter, recorder, info, now, quiet));
        cleanup.defer('stop threshold watch', watchThresholds({ scenario: s, thresholds, events, timeline: recorder, now,
          measureFromMs: info.measureFromMs, endMs: info.endMs, onAbort: (hit) => {
            abortedBy = hit;
            reporter.info(`  ${(now() / 1000).toFixed(1)}s threshold crossed (abortOnFail): ${hit.subject}: ${hit.expression}; stopping the run`);
            thresholdAbort.abort(new Error(`threshold ${hit.expression} crossed`));
          } }));
      },
    });
  } catch (err) {
    failure = err;
  } finally {
    const cleanupStep = reporter.step('Cleaning up');
    const problems = await cleanup.runAll();
    if (problems.length) cleanupStep.fail(problems.join('; '));
    else cleanupStep.done();
  }
  sink.emit({ t: now(), type: 'run_finished' });

  // Ctrl-C wins over a threshold abort; a threshold abort is a failed run (exit 99), not an interrupted one.
  const interrupted = rt.signal.aborted || (result?.interrupted === true && !abortedBy);
  const status = interrupted ? 'interrupted' : failure || abortedBy ? 'failed' : 'completed';
  const measureFromMs = result?.measureFromMs ?? 0;
  const measureToMs = result?.measureToMs ?? 0;
  const timeline = recorder.toData();
  const analysis = analyzeRun({ events, timeline, settleMs: s.analysis.settleMs, leadMs: s.analysis.leadMs, measureFromMs, measureToMs });
  const verdict = result ? judge(analysis, thresholds, abortedBy) : undefined;
  const error = [abortedBy ? `aborted: ${abortedBy.subject}: ${abortedBy.expression} crossed (abortOnFail)` : '',
    failure ? rt.secrets.redact(failure instanceof Error ? failure.message : String(failure)) : ''].filter(Boolean).join('; ');
  const runFile = {
    schemaVersion: RUN_SCHEMA_VERSION, tool: { name: 'vaultctl', version: deps.version }, scenario: s, startedAt,
    timeZero: TIME_ZERO_NOTE, measureFromMs, measureToMs, status, load: result?.load, analysis,
    ...(error ? { error } : {}), ...(verdict ? { verdict } : {}),
  } as const;
  await writer.finish(runFile, timeline);
  if (result && verdict) {
    const reportRun: ReportRun = { label: s.name, dir, run: runFile, events, timeline, analysis, verdict };
    outputs.runs.push(reportRun);
    if (outputs.format === 'text') {
      rt.stdout.write(renderRunTable(analysis, { color: false, scenarioName: s.name }) +
        renderVerdictLines(analysis, verdict, { color: false }) + '\n');
    }
    await appendStepSummary(rt, [reportRun]);
  }
  reporter.info(`results: ${dir}`);
  if (interrupted) throw new InterruptedError('a signal');
  if (abortedBy && verdict) {
    outputs.crossed.push(...failedResultNames(verdict, analysis, outputs.multi ? `[${s.name}]` : undefined));
    return;
  }
  if (failure) throw failure;
  if (!result || !verdict) throw new UsageError('no result');
  outputs.crossed.push(...failedResultNames(verdict, analysis, outputs.multi ? `[${s.name}]` : undefined));
}

/** The end-of-run verdict; a threshold that aborted the run always shows as failed in it. */
function judge(analysis: RunAnalysis, thresholds: ThresholdSpec[], abortedBy: ThresholdResult | undefined): Verdict {
  const verdict = evaluateThresholds(analysis, thresholds);
  if (!abortedBy) return verdict;
  const seen = verdict.results.some((r) => !r.pass && r.expression === abortedBy.expression && r.subject === abortedBy.subject);
  const results = seen ? verdict.results : [...verdict.results, { ...abortedBy, note: `${abortedBy.note ?? 'crossed'}; the run was aborted (abortOnFail)` }];
  return { pass: false, results };
}
