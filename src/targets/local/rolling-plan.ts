/**
 * The rolling-update decision of the local supervisor, as a pure step function. It follows the
 * Kubernetes Deployment controller's RollingUpdate strategy (pkg/controller/deployment/rolling.go):
 * scale the new revision up while the total stays within `replicas + maxSurge`, and scale old
 * revisions down while the available replicas stay at or above `replicas - maxUnavailable`.
 * The caller applies a step (creates replicas in state `starting`, marks terminated ones
 * `terminating`) and calls the function again whenever anything changes (a replica became ready
 * or exited). Each step is everything that may happen now: asking again without a change yields
 * an empty step.
 */

/** Lifecycle state of a replica, as the plan sees it. */
export type PlanReplicaState = 'starting' | 'ready' | 'terminating';

/** One replica as the plan sees it. A replica leaves the set when its process has exited. */
export interface PlanReplica {
  id: string;
  revision: number;
  state: PlanReplicaState;
}

/** The rollout parameters: the workload's strategy and the revision to roll to. */
export interface RolloutParams {
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  targetRevision: number;
}

/** What to do now. */
export interface RolloutStep {
  /** How many replicas of the target revision to start. */
  create: number;
  /** Ids of replicas to terminate, oldest revision first. */
  terminate: string[];
  /** Every replica is of the target revision and ready, their count is `replicas`, and no old one is left. */
  done: boolean;
}

/**
 * Decides the next rollout step from the current replica set. Terminating replicas count towards
 * neither the total nor the available replicas (as pods with a deletion timestamp do not).
 */
export function planRolloutStep(current: readonly PlanReplica[], params: RolloutParams): RolloutStep {
  const { replicas, targetRevision } = params;
  const { maxSurge, maxUnavailable } = resolveFenceposts(params);
  const done = current.length === replicas &&
    current.every((r) => r.revision === targetRevision && r.state === 'ready');
  if (done) return { create: 0, terminate: [], done };

  const active = current.filter((r) => r.state !== 'terminating');
  const fresh = active.filter((r) => r.revision === targetRevision);
  const old = sortOldestFirst(active.filter((r) => r.revision !== targetRevision));
  const terminate: string[] = [];

  // Old replicas that are not ready serve nobody: ending them never lowers availability.
  const oldUnready = old.filter((r) => r.state !== 'ready');
  terminate.push(...oldUnready.map((r) => r.id));

  // Scale old ready replicas down only as far as availability allows.
  const minAvailable = replicas - maxUnavailable;
  const available = active.filter((r) => r.state === 'ready').length;
  const oldReady = old.filter((r) => r.state === 'ready');
  const canEnd = Math.max(0, Math.min(available - minAvailable, oldReady.length));
  terminate.push(...oldReady.slice(0, canEnd).map((r) => r.id));

  // More new replicas than wanted (not reachable through this plan, but keep the set sane):
  // end the surplus, unready ones first.
  const surplus = fresh.length - replicas;
  if (surplus > 0) {
    const byReadiness = [...fresh].sort((a, b) => Number(a.state === 'ready') - Number(b.state === 'ready'));
    terminate.push(...byReadiness.slice(0, surplus).map((r) => r.id));
  }
  // Scale up the new revision within the surge budget, never above `replicas`. Counting after
  // this step's terminations makes the step a fixed point: asking again without a change is a no-op.
  const maxTotal = replicas + maxSurge;
  const remaining = active.length - terminate.length;
  const create = Math.max(0, Math.min(maxTotal - remaining, replicas - fresh.length));
  return { create, terminate, done };
}

/**
 * Kubernetes' ResolveFenceposts: when both maxSurge and maxUnavailable are 0 nothing could move,
 * so maxUnavailable becomes 1 ("surging is not possible").
 */
function resolveFenceposts(p: RolloutParams): { maxSurge: number; maxUnavailable: number } {
  const maxSurge = Math.max(0, p.maxSurge);
  let maxUnavailable = Math.max(0, Math.min(p.maxUnavailable, p.replicas));
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** The Deployment controller scales down the oldest ReplicaSet first; ids break ties stably. */
function sortOldestFirst(rs: PlanReplica[]): PlanReplica[] {
  return [...rs].sort((a, b) => a.revision - b.revision || a.id.localeCompare(b.id, 'en', { numeric: true }));
}
