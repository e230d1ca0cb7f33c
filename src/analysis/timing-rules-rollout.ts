import { formatDuration as d } from '../scenario/duration.js';
import type { Scenario } from '../scenario/model.js';
import { KUBERNETES_ENDPOINT_PROPAGATION_MS, STARTUP_ESTIMATE_MS } from './timing-estimate.js';
import type { RuleEnv, TimingRisk } from './timing-types.js';

/**
 * Rules about how a rotation's rollout treats requests. They apply only with `reload: restart`:
 * with `signal` or `none` a rotation rolls nothing.
 */

/**
 * single-replica — with one replica the rollout has no other replica to serve from:
 *   danger  when maxSurge = 0 or maxUnavailable ≥ 1 (the only replica stops before or while its
 *           replacement starts: every rollout is an outage)
 *   warning when maxSurge ≥ 1 but gracefulDrain is off (requests in flight on it fail)
 */
export function singleReplica(s: Scenario): TimingRisk[] {
  const w = s.workload;
  if (w.replicas !== 1) return [];
  const fix = 'set workload.replicas to 2 or more; with one replica use maxSurge: 1, maxUnavailable: 0 and gracefulDrain: true';
  if (w.maxSurge === 0 || w.maxUnavailable >= 1) {
    const why = w.maxSurge === 0 ? 'maxSurge 0' : `maxUnavailable ${w.maxUnavailable}`;
    return [{ id: 'single-replica', severity: 'danger', path: 'workload.replicas', fix,
      message: `one replica with ${why}: the only replica stops before its replacement is ready, so every rollout is an outage` }];
  }
  if (!w.gracefulDrain) {
    return [{ id: 'single-replica', severity: 'warning', path: 'workload.replicas', fix,
      message: 'one replica without graceful drain: the requests in flight on it fail at every rollout' }];
  }
  return [];
}

/**
 * unavailable-without-surge — maxUnavailable > 0 takes replicas out before replacements are ready:
 *   danger  when maxUnavailable ≥ replicas (all of them may stop at once)
 *   warning when maxSurge = 0 (capacity drops by maxUnavailable / replicas during every rollout;
 *           the rest take the whole load)
 * One replica is single-replica's case.
 */
export function unavailableWithoutSurge(s: Scenario): TimingRisk[] {
  const w = s.workload;
  if (w.replicas < 2 || w.maxUnavailable === 0) return [];
  const fix = 'set workload.maxSurge: 1 and workload.maxUnavailable: 0 (start a replacement before stopping a replica)';
  if (w.maxUnavailable >= w.replicas) {
    return [{ id: 'unavailable-without-surge', severity: 'danger', path: 'workload.maxUnavailable', fix,
      message: `maxUnavailable ${w.maxUnavailable} ≥ replicas ${w.replicas}: every replica may stop at once during a rollout` }];
  }
  if (w.maxSurge > 0) return [];
  const pct = Math.round((100 * w.maxUnavailable) / w.replicas);
  return [{ id: 'unavailable-without-surge', severity: 'warning', path: 'workload.maxUnavailable', fix,
    message: `maxUnavailable ${w.maxUnavailable} with maxSurge 0: capacity drops by ${pct}% during every rollout` }];
}

/**
 * no-prestop — endpoint removal and SIGTERM start together; until the removal has propagated,
 * traffic still reaches the terminating replica. Needed: preStop ≥ endpoint propagation, where
 * propagation is the scenario's endpointPropagation, and on a real cluster at least
 * KUBERNETES_ENDPOINT_PROPAGATION_MS (typically a few seconds; see timing-estimate.ts).
 */
export function noPreStop(s: Scenario): TimingRisk[] {
  const w = s.workload;
  const propagation = s.target === 'kubernetes'
    ? Math.max(w.endpointPropagationMs, KUBERNETES_ENDPOINT_PROPAGATION_MS) : w.endpointPropagationMs;
  if (w.preStopMs >= propagation) return [];
  const then = w.gracefulDrain ? 'that has stopped accepting' : 'that is already gone';
  const source = propagation > w.endpointPropagationMs ? 'typical on Kubernetes' : 'workload.endpointPropagation';
  return [{
    id: 'no-prestop', severity: 'warning', path: 'workload.preStop',
    message: `preStop ${d(w.preStopMs)} is shorter than endpoint propagation ${d(propagation)} (${source}): for ${d(propagation - w.preStopMs)} traffic still reaches a replica ${then}`,
    fix: `set workload.preStop to at least ${d(propagation)} (a preStop sleep keeps serving until the endpoint removal has propagated)`,
  }];
}

/**
 * grace-period-too-short — SIGKILL comes terminationGracePeriod after termination starts, and
 * preStop runs inside that period. A draining replica needs
 *   terminationGracePeriod > preStop + slowest request,
 * slowest request = querySleep + load.timeout (conservative: the server may still be working after
 * the client gave up). Without graceful drain the replica exits at SIGTERM, so only
 * terminationGracePeriod > preStop matters.
 */
export function gracePeriodTooShort(s: Scenario): TimingRisk[] {
  const w = s.workload;
  const slowest = w.gracefulDrain ? w.querySleepMs + s.load.timeoutMs : 0;
  const needed = w.preStopMs + slowest;
  if (w.terminationGracePeriodMs > needed) return [];
  const parts = w.gracefulDrain ? `preStop ${d(w.preStopMs)} + slowest request ${d(slowest)} (querySleep + load.timeout)` : `preStop ${d(w.preStopMs)}`;
  return [{
    id: 'grace-period-too-short', severity: 'warning', path: 'workload.terminationGracePeriod',
    message: `terminationGracePeriod ${d(w.terminationGracePeriodMs)} ≤ ${parts}: requests still in flight are killed at SIGKILL`,
    fix: `set workload.terminationGracePeriod above ${d(needed)} (e.g. ${d(Math.ceil((needed + 1) / 5000) * 5000)})`,
  }];
}

/** no-graceful-drain — the replica exits at SIGTERM: requests in flight on it fail at every rollout. */
export function noGracefulDrain(s: Scenario): TimingRisk[] {
  if (s.workload.gracefulDrain) return [];
  return [{
    id: 'no-graceful-drain', severity: 'warning', path: 'workload.gracefulDrain',
    message: 'replicas exit at SIGTERM without finishing requests in flight: each replaced replica fails the requests it was serving',
    fix: 'set workload.gracefulDrain: true (on SIGTERM fail readiness, stop accepting, finish requests in flight, then exit) with a preStop of at least the endpoint propagation',
  }];
}

/**
 * rollouts-overlap — a rotation arriving before the previous rollout finished starts a new one on
 * top of it: replicas are replaced again before they served, and rollouts pile up.
 *   refreshInterval < rollout estimate, or
 *   the smallest gap between rotation times (refresh ticks within the load and rotations.at
 *   offsets, both counted from the end of the warm-up) < rollout estimate.
 * Reported failures: https://github.com/wave-k8s/wave/issues/182 (rollouts faster than pods got
 * ready), https://github.com/wave-k8s/wave/issues/108, https://github.com/stakater/Reloader/issues/279,
 * https://github.com/stakater/Reloader/issues/367 (pods recreated continually with a 15 s refresh).
 */
export function rolloutsOverlap(s: Scenario, env: RuleEnv): TimingRisk[] {
  const rollout = env.rollout.ms;
  const refresh = s.delivery.refreshIntervalMs;
  if (refresh > 0 && refresh < rollout) {
    return [{
      id: 'rollouts-overlap', severity: 'warning', path: 'delivery.refreshInterval',
      message: `refreshInterval ${d(refresh)} is shorter than one rollout (~${d(rollout)}, ${startupBasis(s)}): rollouts start on top of each other and pile up`,
      fix: `set delivery.refreshInterval to at least ${d(Math.ceil(rollout / 1000) * 1000)}, or make rollouts faster (more maxSurge)`,
    }];
  }
  const times = [...s.rotations.atMs];
  if (refresh > 0) for (let t = refresh; t < s.load.durationMs; t += refresh) times.push(t);
  times.sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i] - times[i - 1]);
  if (s.rotations.atMs.length === 0 || gap >= rollout) return [];
  return [{
    id: 'rollouts-overlap', severity: 'warning', path: 'rotations.at',
    message: `two rotations only ${d(gap)} apart, less than one rollout (~${d(rollout)}, ${startupBasis(s)}): the second rollout starts on top of the first`,
    fix: `space rotations.at (and the refresh ticks) at least ${d(Math.ceil(rollout / 1000) * 1000)} apart`,
  }];
}

/** What the rollout estimate's start-up rests on: the user's measurement, or a guess they can replace. */
function startupBasis(s: Scenario): string {
  return s.workload.expectedStartupMs !== undefined
    ? `with workload.expectedStartup ${d(s.workload.expectedStartupMs)}`
    : `assuming ${d(STARTUP_ESTIMATE_MS[s.target])} start-up per replica; set workload.expectedStartup to your app's`;
}
