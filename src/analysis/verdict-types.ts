import type { ThresholdMetric, ThresholdSpec } from '../scenario/model.js';
import type { Incompleteness } from './completeness.js';

/**
 * Checks that are not thresholds but fail a run all the same, read as "count == 0" with observed 1:
 * `rotation.failed` (a `rotation_failed` event), `database.failed` (a `database_failed` event),
 * `run.incomplete` (the run did not complete or its files are missing or truncated).
 */
export type CheckMetric = 'rotation.failed' | 'database.failed' | 'load.worker_lost' | 'run.incomplete';

/**
 * The outcome of one threshold on one subject, or of one check. Per-rollout metrics (`rollout.*`)
 * give one result per rollout row; run-wide metrics (`baseline.*`, `latency.p99`,
 * `leases.outstanding`, `load.sent_ratio`) give one; each failed rotation or database failure one check.
 */
export interface ThresholdResult {
  /** The threshold as written, e.g. `rollout.failure_rate < 0.1%`; for a check, what happened (`rotation at 16.0s (refresh) failed`). */
  expression: string;
  metric: ThresholdMetric | CheckMetric;
  /** What was measured: `rollout 2`, `rollouts`, `baseline`, `run`, `leases`, `load`, `rotation`, `database`. */
  subject: string;
  /** Rollout index (1-based) for per-rollout results. */
  rollout?: number;
  /** Observed value in base units (ratio, ms or count); null when there was nothing to measure. */
  observed: number | null;
  /** The threshold's bound, in the same units. */
  limit: number;
  op: ThresholdSpec['op'];
  pass: boolean;
  /** Why it failed, or why there was no value; for reports. */
  note?: string;
}

/**
 * All threshold results of a run; `pass` is true when every result passed (or there are none)
 * and the run's data is whole.
 */
export interface Verdict {
  pass: boolean;
  results: ThresholdResult[];
  /** Set when the run did not complete or its files are missing or truncated: the verdict never passes then. */
  incomplete?: Incompleteness;
}
