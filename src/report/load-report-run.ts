import { analyzeRun, type RunAnalysis } from '../analysis/analyze.js';
import { expectsRollouts, findIncompleteness } from '../analysis/completeness.js';
import { evaluateThresholds, mergeThresholds } from '../analysis/verdict.js';
import { UsageError } from '../errors/errors.js';
import { readResultsDir } from '../results/results-dir.js';
import type { ThresholdSpec } from '../scenario/model.js';
import type { ReportRun } from './report-run.js';

/** What the command line changes about a stored run before it is judged. */
export interface ReportOverrides {
  /** `--threshold` expressions, parsed: they replace the scenario's thresholds of the same metric. */
  thresholds?: readonly ThresholdSpec[];
}

/**
 * Reads a results directory and re-runs the analysis offline (no database, no cluster) from
 * events.ndjson + timeline.json with the scenario's own settle and lead, then judges it against
 * the scenario's thresholds merged with the overrides, with what the scenario expected (rollouts)
 * and how the run ended (status, event log). A missing or malformed directory is a
 * UsageError naming it. The label is the scenario name (uniqueLabels makes several distinct).
 */
export async function loadReportRun(dir: string, overrides: ReportOverrides = {}): Promise<ReportRun> {
  const { run, events, timeline, eventLog } = await readResultsDir(dir);
  const scenario = run.scenario;
  if (typeof scenario?.name !== 'string') throw new UsageError(`${dir}/run.json has no scenario`);
  let analysis: RunAnalysis;
  try {
    analysis = analyzeRun({
      events, timeline,
      settleMs: scenario.analysis?.settleMs ?? run.analysis.settleMs,
      leadMs: scenario.analysis?.leadMs ?? run.analysis.leadMs ?? 0,
      measureFromMs: run.measureFromMs,
      measureToMs: run.measureToMs,
    });
  } catch (err) {
    // decodeTimeline names the malformed field; the reader of the message needs the directory too.
    throw new UsageError(`${dir}/timeline.json cannot be analysed: ${(err as Error).message}`);
  }
  const thresholds = mergeThresholds(Array.isArray(scenario.thresholds) ? scenario.thresholds : [], overrides.thresholds ?? []);
  // A stored run is judged on what it holds: a run that did not complete, or whose event log is
  // missing or cut short, never passes (its missing part could hold any number of failures).
  const verdict = evaluateThresholds(analysis, thresholds, {
    expectRollouts: expectsRollouts(scenario),
    incomplete: findIncompleteness(run.status, eventLog, run.error),
  });
  return { label: scenario.name, dir, run, events, timeline, analysis, verdict };
}

/** Makes labels unique in place of order: the second `graceful-three` becomes `graceful-three#2`. */
export function uniqueLabels<T extends { label: string }>(runs: T[]): T[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const n = (seen.get(r.label) ?? 0) + 1;
    seen.set(r.label, n);
    return n === 1 ? r : { ...r, label: `${r.label}#${n}` };
  });
}
