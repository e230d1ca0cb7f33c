import type { ThresholdMetric, ThresholdSpec } from '../scenario/model.js';

/**
 * The outcome of one threshold on one subject. Per-rollout metrics (`rollout.*`) give one result
 * per rollout; run-wide metrics (`baseline.*`, `latency.p99`, `leases.outstanding`) give one.
 */
export interface ThresholdResult {
  /** The threshold as written, e.g. `rollout.failure_rate < 0.1%`. */
  expression: string;
  metric: ThresholdMetric;
  /** What was measured: `rollout 2`, `baseline`, `run`, `leases`. */
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

/** All threshold results of a run; `pass` is true when every result passed (or there are none). */
export interface Verdict {
  pass: boolean;
  results: ThresholdResult[];
}
