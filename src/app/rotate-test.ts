import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Runtime } from '../runtime/runtime.js';
import type { Scenario } from '../scenario/model.js';
import { ConfigError, InterruptedError, ThresholdsCrossedError } from '../errors/errors.js';
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
import { strategyRuns, type SkippedStrategy } from './strategy-runs.js';

export type { RotateTestDeps };

export interface RotateTestOptions {
  files: string[];
  out?: string;
  quiet: boolean;
  /** `--threshold` expressions (`;`-separated allowed); they replace scenario thresholds of the same metric. */
  thresholds?: string[];
  /** What stdout gets: the table with verdict lines (text, default) or one report document for all runs. */
  format?: RunOutputFormat;
  /** `--strategy a,b,c|all`: every scenario runs once per delivery strategy, compared at the end. */
  strategies?: string;
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
  const read = (p: string) => readFile(resolve(rt.cwd, p), 'utf8');
  const scenarios = await loadAll(opts.files, read);
  const planned = await planRuns(rt, opts, scenarios, read);
  // Timing risks first: a configuration that cannot work is named, with its fix, before it runs.
  const timing = createLineReporter(rt, { quiet: opts.quiet });
  for (const p of planned.runs) scenarioTimingLines(p.scenario).forEach((line) => timing.info(line));
  for (const s of planned.skipped) timing.info(`skipped strategy ${s.strategy}: ${s.reason}`);
  const format = opts.format ?? 'text';
  const runs: ReportRun[] = [];
  const crossed: string[] = [];
  // Every results directory is made (or refused, exit 2) before the first run starts anything.
  for (const p of planned.runs) await prepareResultsDir(p.dir);
  let error: unknown;
  const multi = planned.runs.length > 1;
  for (const p of planned.runs) {
    const run = await runScenario(rt, deps, p.scenario, { dir: p.dir, quiet: opts.quiet, flagThresholds, format, multi });
    if (run.report) runs.push(p.label ? { ...run.report, label: p.label } : run.report);
    crossed.push(...run.crossed);
    if (!run.error) continue;
    error ??= run.error;
    // The first run that fails or is interrupted ends the invocation; the runs before it are
    // reported. A strategy comparison goes on past a failed run (not past Ctrl-C): the others still compare.
    if (!opts.strategies || run.error instanceof InterruptedError) break;
  }
  // One document for all runs, so `--format json` stays parseable; written even when a run failed.
  // A strategy comparison ends with its comparison table in text too.
  if ((format !== 'text' || (opts.strategies && runs.length > 1)) && runs.length > 0) {
    rt.stdout.write(await renderReport(uniqueLabels(runs), format, { color: false, version: deps.version }));
  }
  if (opts.strategies && planned.parents.length > 0) {
    timing.info(`compare again: vaultctl report ${planned.parents.map((d) => join(relativeTo(rt.cwd, d), '*')).join(' ')}`);
  }
  if (error) throw error;
  if (crossed.length > 0) throw new ThresholdsCrossedError(crossed);
}

/** What one invocation runs: each scenario (or each of its strategies) with its results directory. */
interface PlannedRuns {
  runs: { scenario: Scenario; dir: string; label?: string }[];
  skipped: SkippedStrategy[];
  /** Directories holding one results directory per strategy. */
  parents: string[];
}

/**
 * Results directories: `--out` itself for one scenario, `--out/<name>` for several, and
 * ./vaultctl-results/<time>-<name> without --out. With --strategy, each of those is a parent
 * holding one directory per strategy.
 */
async function planRuns(rt: Runtime, opts: RotateTestOptions, scenarios: Scenario[], read: (p: string) => Promise<string>):
  Promise<PlannedRuns> {
  const stamp = rt.clock.wallClock().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const dirs = distinctNames(scenarios.map((s) => s.name)).map((name) => (opts.out
    ? resolve(rt.cwd, scenarios.length > 1 ? join(opts.out, name) : opts.out)
    : resolve(rt.cwd, 'vaultctl-results', `${stamp}-${name}`)));
  if (!opts.strategies) return { runs: scenarios.map((scenario, i) => ({ scenario, dir: dirs[i] })), skipped: [], parents: [] };
  const out: PlannedRuns = { runs: [], skipped: [], parents: dirs };
  for (const [i, base] of scenarios.entries()) {
    const { runs, skipped } = await strategyRuns(base.source, base, opts.strategies,
      (file, strategy) => loadScenarioFile(file, read, { strategy }));
    out.skipped.push(...skipped);
    for (const r of runs) {
      out.runs.push({ scenario: r.scenario, dir: join(dirs[i], r.strategy), label: scenarios.length > 1 ? `${base.name}/${r.strategy}` : r.strategy });
    }
  }
  return out;
}

/** `dir` as the user would type it from `cwd`. */
function relativeTo(cwd: string, dir: string): string {
  const rel = relative(cwd, dir);
  return rel && !rel.startsWith('..') ? rel : dir;
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

async function loadAll(files: string[], read: (p: string) => Promise<string>): Promise<Scenario[]> {
  const out: Scenario[] = [];
  const issues: ConfigError['issues'] = [];
  for (const f of files) {
    try {
      out.push(await loadScenarioFile(f, read));
    } catch (err) {
      if (err instanceof ConfigError) issues.push(...err.issues);
      else throw err;
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, 'fix the errors above; `vaultctl validate FILE` checks without running');
  return out;
}
