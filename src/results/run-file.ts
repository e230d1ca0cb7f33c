import type { RunAnalysis } from '../analysis/analyze.js';
import type { Verdict } from '../analysis/verdict-types.js';
import type { LoadSummary } from '../ports/load.js';
import type { Scenario } from '../scenario/model.js';

/** Version of run.json; a reader refuses other versions. */
export const RUN_SCHEMA_VERSION = 1;

/** `run.json` of a results directory: what ran, when, how it ended, and its analysis. */
export interface RunFile {
  /** Format version of this file. */
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  /** The program that wrote it. */
  tool: { name: 'vaultctl'; version: string };
  /**
   * The fully defaulted scenario that ran (name, source file, target and every setting), with
   * secret-looking env and header values masked as `***` (mask-scenario.ts).
   */
  scenario: Scenario;
  /** Wall-clock time of the run's time zero, ISO 8601. */
  startedAt: string;
  /** How to read the times in this directory (a fixed explanatory sentence). */
  timeZero: string;
  /** Start of the measured range (end of warm-up), run-clock ms. */
  measureFromMs: number;
  /** End of the measured range (end of load), run-clock ms. */
  measureToMs: number;
  /**
   * `completed`, `interrupted` (SIGINT/SIGTERM, partial results), `failed` (an error ended it), or
   * `running` (a checkpoint written while the run went on: what is left when it was killed outright).
   */
  status: 'completed' | 'interrupted' | 'failed' | 'running';
  /** The error that ended a failed run, already redacted. */
  error?: string;
  /** The load generator's own totals, to cross-check the timeline. */
  load?: LoadSummary;
  /** Per-rollout, baseline and overall statistics (re-computable from events + timeline). */
  analysis: RunAnalysis;
  /**
   * The thresholds' verdict at the end of the run (scenario thresholds merged with --threshold);
   * absent when the run ended before load started. `vaultctl report` re-evaluates it.
   */
  verdict?: Verdict;
}

/** The sentence stored in `RunFile.timeZero`. */
export const TIME_ZERO_NOTE =
  'event and timeline times are monotonic milliseconds since time zero; time zero is startedAt on the wall clock';
