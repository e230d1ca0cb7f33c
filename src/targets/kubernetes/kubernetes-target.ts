import { step } from '../run-step.js';
import type { RunEvent } from '../../ports/events.js';
import type { Scenario } from '../../scenario/model.js';
import { formatDuration } from '../../scenario/duration.js';
import type { RunningWorkload, Target } from '../target.js';
import { planRotations } from '../rotation-schedule.js';
import { rolloutBudgetMs } from '../rollout-budget.js';
import type { KubernetesContext, KubernetesTargetDeps } from './kubernetes-deps.js';
import { LAB_STRATEGY_NAMES, openLab, type Lab, type LabStrategyName } from '../../stack/lab.js';
import { applyRoleTtl, applyWorkloadShape, type Restore } from './lab-settings.js';
import { deliveryStrategyOf } from '../../scenario/delivery-strategy.js';
import { KUBE_DELIVERIES, type KubeDelivery, type LabSetting } from './delivery/index.js';
import { recordLeaseCount, RunLeaseCounter } from './leases.js';
import { RolloutTracker } from './rollout-tracker.js';
import { waitSettled } from './settle.js';
import { KubernetesTriggers } from './triggers.js';
import { jobLoad } from './job-load.js';
import { loadWorkerCount } from '../../scenario/load-workers.js';
import { startClusterWatch } from './watcher.js';
import { abortableSleep } from '../../runtime/timers.js';

/** How long the Deployment, pods and Secret must stay unchanged before the load starts. */
const SETTLE_QUIET_MS = 5000;

/** One planned action of a kubernetes run. */
interface KubeAction {
  atMs: number;
  action: 'force-sync' | 'revoke' | 'rotate-root';
}

/**
 * `target: kubernetes`, against the lab `vaultctl bootstrap` made, on the copy of the demo app of
 * the scenario's delivery strategy (namespace `vaultctl-<strategy>`, the base lab for
 * secret-sync-restart): the scenario's role TTLs, the strategy controller's settings and the replica
 * count are applied (and restored at cleanup), the demo app settles, the watches start, then load
 * goes to the app's Service from an indexed Job of load workers in its namespace (job-load.ts;
 * with `load.workers: 0` from vaultctl through kind's NodePort or a port-forward) while rotations
 * land through the controller and Vault, and the watches turn every Deployment/ReplicaSet/Pod
 * change, controller status and app log line into the same events the local target records.
 */
export function kubernetesTarget(deps: KubernetesTargetDeps): Target {
  return {
    async prepare(target) {
      const ctx: KubernetesContext = { ...target, deps };
      const strategy = labStrategyOf(ctx.scenario);
      const lab = await step(ctx, `Opening the lab (strategy ${strategy})`, () => openLab(ctx, strategy),
        (l) => `context ${l.context}, namespace ${l.namespace}, app ${l.appUrl}`);
      const delivery = KUBE_DELIVERIES[strategy](ctx.scenario, lab);
      notes(ctx.scenario, lab, delivery).forEach((line) => ctx.reporter.info(`  ${line}`));
      // The run starts before its first change to the lab: the sync the refreshInterval change
      // causes already issues the run's leases.
      const leases = await RunLeaseCounter.start(lab.vault, { mount: lab.mount, role: lab.role, wallClock: ctx.wallClock });
      if (leases.note) warn(ctx, leases.note);
      await applyScenario(ctx, lab, delivery);
      return { startWorkload: () => watchWorkload(ctx, lab, delivery, leases.counter) };
    },
  };
}

/** Waits for the demo app to settle, then watches it and counts the run's leases; rotations go through the controller and Vault. */
async function watchWorkload(ctx: KubernetesContext, lab: Lab, delivery: KubeDelivery, leases: RunLeaseCounter): Promise<RunningWorkload> {
  const s = ctx.scenario;
  const sleep = ctx.deps.sleep ?? abortableSleep;
  const settled = await step(ctx, 'Waiting for the demo app to settle', () => waitSettled({
    kube: lab.kube, namespace: lab.namespace, deployment: lab.deployment, labelSelector: lab.labelSelector, secret: lab.secret,
    quietMs: SETTLE_QUIET_MS, timeoutMs: lab.waitTimeoutMs, pollMs: 1000, sleep, now: ctx.now, signal: ctx.signal,
  }), (r) => r.detail);
  if (!settled.settled) warn(ctx, `the demo app did not settle before the load (${settled.detail}); the first rollout may be partial`);

  const tracker = new RolloutTracker({ hashAnnotations: delivery.rolloutAnnotations });
  const log = (line: string) => ctx.reporter.info(`  ${line}`);
  const watched = ['Deployment', 'ReplicaSets', 'Pods', ...(delivery.sync ? [delivery.sync.what] : [])].join(', ');
  const watch = await step(ctx, `Watching the demo app (${watched})`, () => startClusterWatch({
    kube: lab.kube, namespace: lab.namespace, deployment: lab.deployment, labelSelector: lab.labelSelector,
    sync: delivery.sync, tracker, events: ctx.events, now: ctx.now, signal: ctx.signal, log, sleep,
  }));
  ctx.cleanup.defer('stop the watches', () => watch.stop());
  if (delivery.observe) {
    const observe = delivery.observe;
    const observer = await step(ctx, 'Following the demo app\'s log in every pod (reloads)', () => observe({
      kube: lab.kube, namespace: lab.namespace, labelSelector: lab.labelSelector, events: ctx.events, now: ctx.now, signal: ctx.signal, log,
    }));
    ctx.cleanup.defer('stop following the app logs', () => observer.stop());
  }

  const triggers = new KubernetesTriggers({ ...lab, forceSync: delivery.forceSync }, {
    events: ctx.events, now: ctx.now, wallClock: ctx.wallClock,
    onRotation: (trigger) => { tracker.apply({ t: ctx.now(), type: 'ROTATION', trigger }); },
  });
  const countLeases = (phase: 'before' | 'after') =>
    // Lease counts inform the report; a failed count is a warning, not a failed run.
    recordLeaseCount(leases, { phase, events: ctx.events, now: ctx.now })
      .catch((err: unknown) => warn(ctx, err));
  await countLeases('before');
  const run = { 'force-sync': () => triggers.forceSync(), revoke: () => triggers.revoke(), 'rotate-root': () => triggers.rotateRoot() };
  const workers = loadWorkerCount(s.load.workers, KUBE_AUTO_CORES, s.load.rate);
  const load = workers > 0 ? jobLoad({
    kube: lab.kube, namespace: lab.namespace, image: lab.appImage, workers, bundle: () => ctx.deps.readLoadWorkerBundle(),
    serviceUrl: lab.serviceUrl, layout: { binMs: s.analysis.binMs, latencyBinMs: RECORDER_LATENCY_BIN_MS },
    defer: (label, fn) => ctx.cleanup.defer(label, fn), log, events: ctx.events, leadMs: ctx.deps.loadJobLeadMs,
  }) : undefined;
  return {
    url: lab.appUrl,
    signal: ctx.signal,
    ...(load ? { load } : {}),
    counts: () => tracker.counts(),
    rotations: (measureFromMs) => planActions(s, measureFromMs).map((a) => ({ atMs: a.atMs, trigger: a.action, run: run[a.action] })),
    async finish(interrupted) {
      if (!interrupted) {
        await waitForRollouts(ctx, tracker, rolloutBudgetMs(s), sleep);
        for (const e of tracker.finish(ctx.now())) emitWarning(ctx, e);
        await countLeases('after');
      }
      if (watch.restarts() > 0) ctx.reporter.info(`  the watches restarted ${watch.restarts()} times (events in between came from re-lists)`);
    },
    cause: async (err) => err,
  };
}

/**
 * The scenario's settings on the lab. The role TTL goes first, so the sync the refreshInterval
 * change causes already issues credentials with the scenario's TTL; at cleanup the TTL is restored
 * first too, so the sync the restored interval causes leaves the lab with credentials of its own TTL.
 */
async function applyScenario(ctx: KubernetesContext, lab: Lab, delivery: KubeDelivery): Promise<void> {
  const s = ctx.scenario;
  const { role } = s.database;
  const d = formatDuration;
  const restores: { name: string; fn: Restore }[] = [];
  ctx.cleanup.defer('restore the lab settings', async () => {
    const failed: string[] = [];
    for (const r of restores) {
      try {
        await r.fn();
      } catch (err) {
        failed.push(`${r.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failed.length > 0) throw new Error(failed.join('; '));
  });
  const apply = (x: LabSetting) =>
    step(ctx, x.title, async () => {
      const restore = await x.apply();
      if (restore) restores.push({ name: x.name, fn: restore });
      return restore ? x.note ?? 'set' : 'unchanged';
    }, (v) => v);

  const ttl = await apply({
    title: `Vault role ${lab.mount}/roles/${lab.role}: default_ttl ${d(role.defaultTtlMs)}, max_ttl ${d(role.maxTtlMs)}`, name: 'role TTLs',
    apply: () => applyRoleTtl(lab.vault, { mount: lab.mount, role: lab.role, defaultTtlMs: role.defaultTtlMs, maxTtlMs: role.maxTtlMs }),
  });
  const reissue = delivery.reissue;
  if (ttl !== 'unchanged' && reissue) {
    // The live lease keeps the TTLs it was issued with; the run measures credentials with the scenario's.
    await step(ctx, `Re-issuing ${lab.namespace}'s credentials with the new TTLs`, async () => {
      await reissue(String(Math.floor(ctx.wallClock().getTime() / 1000)));
      return 'done (the demo app settles before the load)';
    }, (v) => v);
  }
  for (const x of delivery.settings) await apply(x);
  const w = s.workload;
  await apply({
    title: `Deployment ${lab.deployment}: ${w.replicas} replicas, maxSurge ${w.maxSurge}, maxUnavailable ${w.maxUnavailable}`, name: 'replicas',
    apply: () => applyWorkloadShape(lab.kube, { namespace: lab.namespace, name: lab.deployment,
      replicas: w.replicas, maxSurge: w.maxSurge, maxUnavailable: w.maxUnavailable }),
  });
}

/**
 * Rotations vaultctl triggers: `rotations.at` as force-syncs, `revoke`, `rotateRoot`. Periodic
 * refreshes are ESO's own (its refreshInterval), so they are not scheduled here.
 */
export function planActions(s: Scenario, measureFromMs: number): KubeAction[] {
  return planRotations(s, measureFromMs).flatMap((a): KubeAction[] =>
    a.action === 'at' ? [{ atMs: a.atMs, action: 'force-sync' }] : a.action === 'refresh' ? [] : [{ atMs: a.atMs, action: a.action }]);
}

async function waitForRollouts(ctx: KubernetesContext, tracker: RolloutTracker, budgetMs: number,
  sleep: (ms: number, s: AbortSignal) => Promise<void>): Promise<void> {
  if (tracker.inProgress().length === 0) return;
  const deadline = ctx.now() + budgetMs;
  await step(ctx, `Waiting for rollouts in progress (${tracker.inProgress().join(', ')}; at most ${Math.round(budgetMs / 1000)}s)`, async () => {
    while (tracker.inProgress().length > 0 && ctx.now() < deadline && !ctx.signal.aborted) await sleep(250, ctx.signal);
    return tracker.inProgress().length === 0 ? 'done' : `still rolling: ${tracker.inProgress().join(', ')} (reported incomplete)`;
  }, (v) => v);
}

/** The lab copy a scenario measures: its delivery strategy (secret-sync-restart unless it names another the lab holds). */
export function labStrategyOf(s: Scenario): LabStrategyName {
  const name = deliveryStrategyOf(s.delivery);
  if (!(LAB_STRATEGY_NAMES as readonly string[]).includes(name)) {
    // Scenario validation refuses these on target kubernetes (delivery-strategy.ts IMPLEMENTED_STRATEGIES).
    throw new Error(`strategy ${name} is not in the lab`);
  }
  return name as LabStrategyName;
}

/** `load.workers: auto` on a cluster: 3 pods (what `auto` gives a host of 8 cores: load-workers.ts). */
const KUBE_AUTO_CORES = 8;
/** The run recorder's latency bin (TimelineRecorder's default): the Job's workers bin by it too. */
const RECORDER_LATENCY_BIN_MS = 100;

/** Lines about what the lab decides rather than the scenario. */
function notes(s: Scenario, lab: Lab, delivery: KubeDelivery): string[] {
  const out: string[] = [...delivery.notes];
  if (s.database.role.name !== lab.role) out.push(`database.role.name ${s.database.role.name}: the lab's role is ${lab.role}; using it`);
  out.push('preStop, termination grace, graceful drain and query sleep come from the lab config (vaultctl.yaml `app:`)');
  return out;
}

function emitWarning(ctx: KubernetesContext, e: RunEvent): void {
  ctx.events.emit(e);
  if (e.type === 'warning') ctx.reporter.info(`  ! ${e.message}`);
}

function warn(ctx: KubernetesContext, err: unknown): void {
  const message = ctx.secrets.redact(err instanceof Error ? err.message : String(err));
  emitWarning(ctx, { t: ctx.now(), type: 'warning', message });
}
