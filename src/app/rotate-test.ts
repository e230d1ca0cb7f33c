import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Runtime } from '../runtime/runtime.js';
import type { Scenario } from '../scenario/model.js';
import { ConfigError, ThresholdsCrossedError } from '../errors/errors.js';
import { loadScenarioFile } from '../scenario/loader.js';
import type { ReportRun } from '../report/report-run.js';
import { uniqueLabels } from '../report/load-report-run.js';
import { parseFlagThresholds, renderReport } from './report.js';
import { runScenario } from './run-scenario.js';
import type { RotateTestDeps } from './rotate-test-deps.js';
import { createLineReporter } from '../ui/line-reporter.js';
import { scenarioTimingLines } from './timing-check.js';
import { RUN_OUTPUT_FORMATS, type RunOutputFormat } from '../report/formats.js';
import { prepareResultsDir } from '../results/results-dir.js';

export type { RotateTestDeps };

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
export { RUN_OUTPUT_FORMATS, type RunOutputFormat };

/**
 * `vaultctl rotate-test`: validates every scenario first (all errors at once), then runs them one
 * after the other, each into its own results directory, printing each table and its verdict on
 * stdout (or, with another format, one report of all runs at the end). Thresholds crossed in any
 * run exit 99 after every run and report is done; an interrupt still exits 105.
 */
export async function rotateTest(rt: Runtime, deps: RotateTestDeps, opts: RotateTestOptions): Promise<void> {
  const flagThresholds = parseFlagThresholds(opts.thresholds ?? []);
  const scenarios = await loadAll(rt, opts.files);
  // Timing risks first: a configuration that cannot work is named, with its fix, before it runs.
  const timing = createLineReporter(rt, { quiet: opts.quiet });
  for (const s of scenarios) scenarioTimingLines(s).forEach((line) => timing.info(line));
  const stamp = rt.clock.wallClock().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const format = opts.format ?? 'text';
  const runs: ReportRun[] = [];
  const crossed: string[] = [];
  const dirs = distinctNames(scenarios.map((s) => s.name)).map((name) => (opts.out
    ? resolve(rt.cwd, scenarios.length > 1 ? join(opts.out, name) : opts.out)
    : resolve(rt.cwd, 'vaultctl-results', `${stamp}-${name}`)));
  // Every results directory is made (or refused, exit 2) before the first run starts anything.
  for (const dir of dirs) await prepareResultsDir(dir);
  let error: unknown;
  for (const [i, s] of scenarios.entries()) {
    const run = await runScenario(rt, deps, s, { dir: dirs[i], quiet: opts.quiet, flagThresholds, format, multi: scenarios.length > 1 });
    if (run.report) runs.push(run.report);
    crossed.push(...run.crossed);
    // The first run that fails or is interrupted ends the invocation; the runs before it are reported.
    if (run.error) {
      error = run.error;
      break;
    }
  }
  // One document for all runs, so `--format json` stays parseable; written even when a run failed.
  if (format !== 'text' && runs.length > 0) {
    rt.stdout.write(await renderReport(uniqueLabels(runs), format, { color: false, version: deps.version }));
  }
  if (error) throw error;
  if (crossed.length > 0) throw new ThresholdsCrossedError(crossed);
}

/** Names made distinct in order: a repeated `name` becomes `name-2`, `name-3`, … so no run overwrites another's results. */
export function distinctNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let out = name;
    for (let n = 2; used.has(out); n++) out = `${name}-${n}`;
    used.add(out);
    return out;
  });
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

