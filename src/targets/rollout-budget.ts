import type { Scenario } from '../scenario/model.js';

/**
 * How long rollouts still running when the load ends may take to finish before the run reports
 * them incomplete: a minute, or one grace period plus one start-up per replica if that is longer.
 * A rollout that cannot progress at all ends sooner, at `workload.progressDeadline` (local target).
 */
export function rolloutBudgetMs(s: Scenario): number {
  const w = s.workload;
  return Math.max(60_000, (w.terminationGracePeriodMs + w.readiness.startupTimeoutMs) * Math.max(1, w.replicas));
}
