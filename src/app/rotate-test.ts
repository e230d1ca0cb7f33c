import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Runtime } from '../runtime/runtime.js';
import type { Scenario } from '../scenario/model.js';
import type { RunEvent } from '../ports/events.js';
import { ConfigError, InterruptedError, NotYetAvailableError, UsageError } from '../errors/errors.js';
import { loadScenarioFile } from '../scenario/loader.js';
import { createLineReporter } from '../cli/output.js';
import { CleanupStack } from './cleanup-stack.js';
import { TimelineRecorder } from '../recorder/timeline-recorder.js';
import { createResultsWriter } from '../recorder/results-dir.js';
import { RUN_SCHEMA_VERSION, TIME_ZERO_NOTE } from '../recorder/run-file.js';
import { analyzeRun } from '../analysis/analyze.js';
import { renderRunTable } from '../report/text-table.js';
import type { LocalTargetDeps } from '../targets/local/local-deps.js';
import { runLocalScenario, type LocalRunResult } from '../targets/local/local-run.js';
import { startProgressTicker } from './progress-ticker.js';
import { eventLine } from './event-lines.js';

/** What rotate-test needs besides the Runtime. */
export interface RotateTestDeps {
  local: LocalTargetDeps;
  version: string;
}

export interface RotateTestOptions {
  files: string[];
  out?: string;
  quiet: boolean;
}

/**
 * `vaultctl rotate-test`: validates every scenario first (all errors at once), then runs them one
 * after the other, each into its own results directory, printing each table on stdout.
 */
export async function rotateTest(rt: Runtime, deps: RotateTestDeps, opts: RotateTestOptions): Promise<void> {
  const scenarios = await loadAll(rt, opts.files);
  for (const s of scenarios) {
    if (s.target !== 'local') throw new NotYetAvailableError(`target "${s.target}" (${s.source})`);
  }
  const stamp = rt.clock.wallClock().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  for (const s of scenarios) {
    const dir = opts.out
      ? resolve(rt.cwd, scenarios.length > 1 ? join(opts.out, s.name) : opts.out)
      : resolve(rt.cwd, 'vaultctl-results', `${stamp}-${s.name}`);
    await runOne(rt, deps, s, dir, opts.quiet);
  }
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

async function runOne(rt: Runtime, deps: RotateTestDeps, s: Scenario, dir: string, quiet: boolean): Promise<void> {
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
      reporter, now, signal: rt.signal, cleanup }, recorder, {
      onLoadStart: (info) => cleanup.defer('stop progress', startProgressTicker(rt, reporter, recorder, info, now, quiet)),
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

  const interrupted = rt.signal.aborted || result?.interrupted === true;
  const status = interrupted ? 'interrupted' : failure ? 'failed' : 'completed';
  const measureFromMs = result?.measureFromMs ?? 0;
  const measureToMs = result?.measureToMs ?? 0;
  const timeline = recorder.toData();
  const analysis = analyzeRun({ events, timeline, settleMs: s.analysis.settleMs, leadMs: s.analysis.leadMs, measureFromMs, measureToMs });
  await writer.finish({
    schemaVersion: RUN_SCHEMA_VERSION, tool: { name: 'vaultctl', version: deps.version }, scenario: s, startedAt,
    timeZero: TIME_ZERO_NOTE, measureFromMs, measureToMs, status, load: result?.load, analysis,
    ...(failure ? { error: rt.secrets.redact(failure instanceof Error ? failure.message : String(failure)) } : {}),
  }, timeline);
  if (result) rt.stdout.write(renderRunTable(analysis, { color: false, scenarioName: s.name }) + '\n');
  reporter.info(`results: ${dir}`);
  if (interrupted) throw new InterruptedError('a signal');
  if (failure) throw failure;
  if (!result) throw new UsageError('no result');
}
