import { appendFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ThresholdsCrossedError, UsageError } from '../errors/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ThresholdSpec } from '../scenario/model.js';
import { parseThresholdExpression } from '../scenario/thresholds.js';
import type { ReportRun } from '../report/report-run.js';
import { loadReportRun, uniqueLabels } from '../report/load-report-run.js';
import { renderTextReport } from '../report/text-report.js';
import { renderJsonReport } from '../report/json-report.js';
import { renderMarkdownReport } from '../report/markdown-report.js';
import { renderJunitReport } from '../report/junit-report.js';
import { failedAcrossRuns } from '../report/verdict-format.js';
import { isStrategyComparison, strategyOf } from '../report/strategy-comparison.js';

/** Every `--format` of `vaultctl report`. */
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';

export { REPORT_FORMATS, type ReportFormat };

/** Options of `vaultctl report`. */
export interface ReportOptions {
  /** Results directories, compared side by side when several. */
  dirs: string[];
  format: ReportFormat;
  /** Write the report to this file (relative to cwd) instead of stdout. */
  out?: string;
  /** `--threshold` expressions (each may hold several separated by `;`). */
  thresholds: string[];
  /** Version of this vaultctl, for the JSON report. */
  version: string;
}

/**
 * Use case `vaultctl report DIR...`: re-analyses results directories offline, renders them in
 * one format to stdout or --out, appends the markdown report to $GITHUB_STEP_SUMMARY when set
 * (whatever the format), and only then throws ThresholdsCrossedError (exit 99) when any run's
 * verdict failed.
 */
export async function report(rt: Runtime, opts: ReportOptions): Promise<void> {
  if (opts.dirs.length === 0) throw new UsageError('no results directory given', 'usage: vaultctl report DIR... (see --help)');
  const overrides = parseFlagThresholds(opts.thresholds);
  const runs: ReportRun[] = [];
  for (const dir of opts.dirs) {
    const run = await loadReportRun(resolve(rt.cwd, dir), { thresholds: overrides });
    runs.push({ ...run, dir });
  }
  // Runs of one scenario under different strategies (rotate-test --strategy) are told apart by their strategy.
  const labelled = uniqueLabels(isStrategyComparison(runs) ? runs.map((r) => ({ ...r, label: strategyOf(r) })) : runs);
  const color = !opts.out && rt.stdout.isTTY && !rt.env.NO_COLOR;
  const text = await renderReport(labelled, opts.format, { color, version: opts.version });
  if (opts.out) {
    await writeFile(resolve(rt.cwd, opts.out), text, 'utf8');
    rt.stderr.write(`report written to ${opts.out}\n`);
  } else {
    rt.stdout.write(text);
  }
  await appendStepSummary(rt, labelled);
  const failed = failedAcrossRuns(labelled);
  if (failed.length > 0) throw new ThresholdsCrossedError(failed);
}

/** Renders runs in a format; html comes from the HTML renderer, loaded only when asked for. */
export async function renderReport(runs: ReportRun[], format: ReportFormat,
  opts: { color: boolean; version: string }): Promise<string> {
  switch (format) {
    case 'text': return renderTextReport(runs, { color: opts.color });
    case 'json': return renderJsonReport(runs, opts.version);
    case 'markdown': return renderMarkdownReport(runs);
    case 'junit': return renderJunitReport(runs);
    case 'html': {
      const { renderHtmlReport } = await import('../report/html/render-html.js');
      return renderHtmlReport(runs);
    }
  }
}

/**
 * Parses `--threshold` values (and VAULTCTL_THRESHOLDS, `;`-separated). A malformed expression is
 * a UsageError naming it. Flag thresholds never abort a run early (abortOnFail false).
 */
export function parseFlagThresholds(values: readonly string[]): ThresholdSpec[] {
  const out: ThresholdSpec[] = [];
  for (const expression of values.flatMap((v) => v.split(';')).map((e) => e.trim()).filter((e) => e !== '')) {
    const r = parseThresholdExpression(expression);
    if (!r.ok) {
      throw new UsageError(`invalid --threshold "${expression}": ${r.message}`,
        'e.g. --threshold "rollout.failure_rate < 0.1%" --threshold "rollout.downtime <= 500ms"');
    }
    out.push({ ...r.threshold, abortOnFail: false });
  }
  return out;
}

/**
 * GitHub Actions shows $GITHUB_STEP_SUMMARY as the job summary: append (never overwrite, other
 * steps write there too) the markdown report. A failure to write it is a warning, not the verdict.
 */
export async function appendStepSummary(rt: Runtime, runs: readonly ReportRun[]): Promise<void> {
  const file = rt.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    await appendFile(resolve(rt.cwd, file), renderMarkdownReport(runs) + '\n', 'utf8');
  } catch (err) {
    rt.stderr.write(`warning: cannot append to GITHUB_STEP_SUMMARY (${file}): ${(err as Error).message}\n`);
  }
}
