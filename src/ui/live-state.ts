import type { RotationTrigger, RunEvent } from '../ports/events.js';
import type { TimelineSnapshot } from '../recorder/timeline-recorder.js';
import type { ReplicaCounts } from '../ports/replica-counts.js';

/** Where a run is; automatic moves only go forward in this order, `setPhase` may set any. */
export type LivePhase = 'starting' | 'warm-up' | 'measuring' | 'settling' | 'cleanup';
const PHASE_ORDER: readonly LivePhase[] = ['starting', 'warm-up', 'measuring', 'settling', 'cleanup'];

/** One threshold as judged so far; `pass` is null while there is nothing to judge yet. */
export interface ThresholdSoFar {
  expression: string;
  pass: boolean | null;
}

/** Supplies the thresholds so far (the verdict code); must be cheap, it is polled every refresh. */
export type ThresholdProvider = () => ThresholdSoFar[];

/** Failures of one `kind:cause` (or bare kind). */
export interface CauseCount {
  cause: string;
  count: number;
}

/** The rollout in progress. */
export interface LiveRollout {
  revision: number;
  trigger: RotationTrigger;
  /** Run clock ms of `rollout_started`. */
  startedAtMs: number;
  /** Replicas of this revision that are ready now. */
  newReady: number;
  /** Replicas the rollout aims for. */
  replicas: number;
}

/** A replica as the events describe it (used when the supervisor's counts are not available). */
export interface TrackedReplica {
  revision: number;
  phase: 'starting' | 'ready' | 'terminating';
}

/** Everything the live view and the plain renderer show. Treat as immutable. */
export interface LiveState {
  scenario: string;
  /** Time since load started (0 before), and the whole load's length (warm-up + duration). */
  elapsedMs: number;
  totalMs: number;
  /** Warm-up length: `measuring` begins this long after `load_started`. */
  warmUpMs: number;
  /** Run clock ms of the latest poll or event. */
  nowMs: number;
  /** Run clock ms of `load_started`, null before. */
  loadStartedAtMs: number | null;
  phase: LivePhase;
  /** Requests started per second over the last full second. */
  rps: number;
  requests: number;
  failures: number;
  /** The five most frequent failure causes, most first. */
  causes: CauseCount[];
  /** Failures whose cause is not among `causes`. */
  otherCauseFailures: number;
  replicas: ReplicaCounts;
  rollout: LiveRollout | null;
  rolloutsCompleted: number;
  /** Highest revision seen (1 after the first replica starts). */
  latestRevision: number;
  tracked: Readonly<Record<string, TrackedReplica>>;
  thresholds: ThresholdSoFar[];
}

/** How many causes the view lists. */
export const TOP_CAUSES = 5;

/** The state before anything happened. */
export function initialLiveState(scenario: string, totalMs: number, warmUpMs = 0): LiveState {
  return {
    scenario, elapsedMs: 0, totalMs, warmUpMs, nowMs: 0, loadStartedAtMs: null, phase: 'starting', rps: 0, requests: 0,
    failures: 0, causes: [], otherCauseFailures: 0, replicas: { ready: 0, old: 0, new: 0, terminating: 0 },
    rollout: null, rolloutsCompleted: 0, latestRevision: 0, tracked: {}, thresholds: [],
  };
}

/** Sets the phase explicitly (the caller knows about cleanup; events cannot tell). */
export function withPhase(state: LiveState, phase: LivePhase): LiveState {
  return state.phase === phase ? state : { ...state, phase };
}

/** Moves to `phase` only if it is later than the current one. */
function advance(state: LiveState, phase: LivePhase): LiveState {
  return PHASE_ORDER.indexOf(phase) > PHASE_ORDER.indexOf(state.phase) ? { ...state, phase } : state;
}

/** Applies one run event: phases, replicas seen through events, rollout progress. */
export function reduceEvent(state: LiveState, e: RunEvent): LiveState {
  return applyEvent(e.t > state.nowMs ? { ...state, nowMs: e.t } : state, e);
}

function applyEvent(state: LiveState, e: RunEvent): LiveState {
  switch (e.type) {
    case 'load_started':
      return advance({ ...state, loadStartedAtMs: e.t }, state.warmUpMs > 0 ? 'warm-up' : 'measuring');
    case 'load_finished':
      return advance(state, 'settling');
    case 'rollout_started':
      return refreshReplicas({
        ...state,
        latestRevision: Math.max(state.latestRevision, e.revision),
        rollout: { revision: e.revision, trigger: e.trigger, startedAtMs: e.t, newReady: 0, replicas: e.replicas },
      });
    case 'rollout_completed': {
      // A superseded rollout completes together with the newest; count each completion event.
      const done = state.rollout !== null && state.rollout.revision <= e.revision;
      return refreshReplicas({ ...state, rolloutsCompleted: state.rolloutsCompleted + 1, rollout: done ? null : state.rollout });
    }
    case 'replica_started':
      return track({ ...state, latestRevision: Math.max(state.latestRevision, e.revision) }, e.replica,
        { revision: e.revision, phase: 'starting' });
    case 'replica_ready':
      return track(state, e.replica, { revision: e.revision, phase: 'ready' });
    case 'replica_terminating':
      return track(state, e.replica, { revision: e.revision, phase: 'terminating' });
    case 'replica_removed': {
      // Out of the endpoints: no longer serving, even if the process still runs.
      const r = state.tracked[e.replica];
      return r && r.phase === 'ready' ? track(state, e.replica, { ...r, phase: 'terminating' }) : state;
    }
    case 'replica_exited':
      return track(state, e.replica, undefined);
    default:
      return state;
  }
}

function track(state: LiveState, id: string, r: TrackedReplica | undefined): LiveState {
  const tracked = { ...state.tracked };
  if (r) tracked[id] = r;
  else delete tracked[id];
  return refreshReplicas({ ...state, tracked });
}

/** Recomputes replica counts and the rollout's ready count from the tracked replicas. */
function refreshReplicas(state: LiveState): LiveState {
  const c: ReplicaCounts = { ready: 0, old: 0, new: 0, terminating: 0 };
  let newReady = 0;
  for (const r of Object.values(state.tracked)) {
    if (r.phase === 'terminating') {
      c.terminating++;
      continue;
    }
    if (r.phase === 'ready') c.ready++;
    if (r.revision === state.latestRevision) c.new++;
    else c.old++;
    if (r.phase === 'ready' && state.rollout && r.revision === state.rollout.revision) newReady++;
  }
  const rollout = state.rollout && { ...state.rollout, newReady: Math.min(newReady, state.rollout.replicas) };
  return { ...state, replicas: c, rollout };
}

/**
 * Applies a poll: request totals, rate and causes from the recorder, replica counts from the
 * supervisor when it exists (else the event-derived ones stay), elapsed time and warm-up → measuring.
 */
export function withSnapshot(state: LiveState, snap: TimelineSnapshot, counts: ReplicaCounts | undefined,
  nowMs: number): LiveState {
  const sorted = Object.entries(snap.byCause)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const causes = sorted.slice(0, TOP_CAUSES).map(([cause, count]) => ({ cause, count }));
  const listed = causes.reduce((sum, c) => sum + c.count, 0);
  // Capped at the load's length: settling and cleanup come after it, and the bar shows the load.
  const since = state.loadStartedAtMs === null ? 0 : Math.max(0, nowMs - state.loadStartedAtMs);
  const elapsedMs = state.totalMs > 0 ? Math.min(since, state.totalMs) : since;
  let next: LiveState = {
    ...state, nowMs, elapsedMs, rps: snap.lastSecondRps, requests: snap.requests, failures: snap.failures, causes,
    otherCauseFailures: Math.max(0, snap.failures - listed),
    replicas: counts ? { ...counts } : state.replicas,
  };
  if (state.loadStartedAtMs !== null && since >= state.warmUpMs) next = advance(next, 'measuring');
  return next;
}

/** Sets the thresholds so far. */
export function withThresholds(state: LiveState, thresholds: ThresholdSoFar[]): LiveState {
  return { ...state, thresholds: thresholds.map((t) => ({ expression: t.expression, pass: t.pass })) };
}
