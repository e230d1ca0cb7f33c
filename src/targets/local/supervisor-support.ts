import { ExternalError } from '../../errors/errors.js';
import type { ReplicaCounts } from '../../ports/replica-counts.js';
import type { ReplicaPhase } from './replica-support.js';
import type { PlanReplica } from './rolling-plan.js';

/* Small pure helpers of supervisor.ts: the live view's counts, the plan's view of a phase, the abandoned rollout's error. */

/** Counts for the live view: ready, of the latest revision or older, terminating. */
export function countReplicas(replicas: Iterable<{ phase: ReplicaPhase; revision: number }>, latest: number): ReplicaCounts {
  const c: ReplicaCounts = { ready: 0, old: 0, new: 0, terminating: 0 };
  for (const r of replicas) {
    if (r.phase === 'terminating' || r.phase === 'exited') {
      c.terminating++;
      continue;
    }
    if (r.phase === 'ready') c.ready++;
    if (r.revision === latest) c.new++;
    else c.old++;
  }
  return c;
}

/** The plan counts an unready replica like a starting one (not available) and an exited one as gone soon. */
export function planState(phase: ReplicaPhase): PlanReplica['state'] {
  if (phase === 'exited') return 'terminating';
  if (phase === 'unready') return 'starting';
  return phase;
}

/** Why a rollout past workload.progressDeadline was abandoned, with the last failure of its replicas. */
export function abandonedRolloutError(target: number, progressDeadlineMs: number, last?: { message: string; output: string }): ExternalError {
  return new ExternalError(
    `rollout to revision ${target} made no progress within workload.progressDeadline (${progressDeadlineMs / 1000}s) and was abandoned` +
    (last ? `; last failure: ${last.message}` : '; its new replicas never became ready'),
    { output: last?.output, hint: 'see the replicas\' output (replicas/<id>.log in the results directory); if they are only ' +
      'slow to start, raise workload.progressDeadline or workload.readiness.startupTimeout' });
}
