import type { EventSink } from '../../ports/events.js';
import type { SyncSource } from './sync-source.js';
import type { KubeApi, KubeDeployment, KubePod, KubeReplicaSet } from '../../ports/kube.js';
import type { RolloutTracker, TrackerInput } from './rollout-tracker.js';
import { startWatchLoop, type Backoff, type WatchLoop } from './watch-loop.js';
import { abortableSleep, withTimeout } from '../../runtime/timers.js';

/** What the cluster watcher observes and where its events go. */
export interface ClusterWatchOptions {
  kube: KubeApi;
  namespace: string;
  /** The demo app's Deployment. */
  deployment: string;
  /** Label selector of the demo app's Deployment, ReplicaSets and Pods. */
  labelSelector: string;
  /** The controller that delivers the credentials, polled alongside the watches (sync-source.ts). */
  sync?: SyncSource;
  tracker: RolloutTracker;
  events: EventSink;
  /** Run clock. */
  now(): number;
  signal: AbortSignal;
  /** A watch failure or restart, for the progress lines. */
  log(line: string): void;
  backoff?: Backoff;
  /** How often the sync source is polled; default 500 ms. */
  syncPollMs?: number;
  /** How long the first lists may take; default 30 s. */
  readyTimeoutMs?: number;
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/** A running watch of the demo app. */
export interface ClusterWatch {
  /** Watch restarts so far (all three resources). */
  restarts(): number;
  stop(): Promise<void>;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 5000 };

/**
 * Watches the demo app's Deployment, ReplicaSets and Pods (each a list+watch loop that restarts
 * when it ends) and feeds every change to the rollout tracker, whose RunEvents go to the sink.
 * Alongside, it polls the strategy's sync source (ESO's ExternalSecret and Secret, VSO's
 * VaultDynamicSecret) and records what it reports, so a report can put a new Secret or lease next
 * to the rollout it caused. Resolves once all three first lists arrived.
 */
export async function startClusterWatch(o: ClusterWatchOptions): Promise<ClusterWatch> {
  const stopper = new AbortController();
  const signal = AbortSignal.any([o.signal, stopper.signal]);
  const sleep = o.sleep ?? abortableSleep;
  const ns = o.namespace;
  const feed = (input: TrackerInput) => {
    for (const e of o.tracker.apply(input)) o.events.emit(e);
  };
  const onError = (what: string) => (err: unknown) =>
    o.log(`watch of ${what} ended (${err instanceof Error ? err.message : String(err)}); restarting`);
  const common = { kube: o.kube, query: { labelSelector: o.labelSelector }, backoff: o.backoff ?? DEFAULT_BACKOFF, sleep, signal };

  // Deployment first, then ReplicaSets, then Pods: the baseline is the Deployment's revision, and
  // pods are reported with their ReplicaSet's revision already known.
  const makers: (() => WatchLoop)[] = [
    () => startWatchLoop<KubeDeployment>({
      ...common, path: `/apis/apps/v1/namespaces/${ns}/deployments`,
      list: () => o.kube.listDeployments(ns, o.labelSelector),
      onList: (items) => items.filter(isOurs).forEach((d) => feed({ t: o.now(), kind: 'Deployment', type: 'ADDED', object: d })),
      onEvent: (type, d) => { if (isOurs(d)) feed({ t: o.now(), kind: 'Deployment', type, object: d }); },
      onError: onError('deployments'),
    }),
    () => startWatchLoop<KubeReplicaSet>({
      ...common, path: `/apis/apps/v1/namespaces/${ns}/replicasets`,
      list: () => o.kube.listReplicaSets(ns, o.labelSelector),
      onList: (items) => relist('ReplicaSet', items),
      onEvent: (type, rs) => feed({ t: o.now(), kind: 'ReplicaSet', type, object: rs }),
      onError: onError('replicasets'),
    }),
    () => startWatchLoop<KubePod>({
      ...common, path: `/api/v1/namespaces/${ns}/pods`,
      list: () => o.kube.listPods(ns, o.labelSelector),
      onList: (items) => relist('Pod', items),
      onEvent: (type, pod) => feed({ t: o.now(), kind: 'Pod', type, object: pod }),
      onError: onError('pods'),
    }),
  ];
  function isOurs(d: KubeDeployment): boolean {
    return d.metadata.name === o.deployment;
  }
  function relist(kind: 'ReplicaSet' | 'Pod', items: (KubeReplicaSet | KubePod)[]): void {
    const t = o.now();
    for (const object of items) feed({ t, kind, type: 'ADDED', object } as TrackerInput);
    feed({ t, kind, type: 'RELIST', names: items.map((i) => i.metadata.name) });
  }

  const stopAll = async () => {
    stopper.abort();
    await Promise.all(loops.map((l) => l.stop()));
  };
  const loops: WatchLoop[] = [];
  try {
    await withTimeout((async () => {
      for (const make of makers) {
        const loop = make();
        loops.push(loop);
        await loop.ready;
      }
    })(), o.readyTimeoutMs ?? 30_000, `the demo app's Deployment, ReplicaSets and Pods in namespace ${ns} could not be listed`);
  } catch (err) {
    await stopAll();
    throw err;
  }
  // The Secret's version now is the baseline: only later versions are syncs.
  const poll = await startSyncPoll(o, signal, sleep);
  return {
    restarts: () => loops.reduce((n, l) => n + l.restarts(), 0),
    stop: async () => {
      await stopAll();
      await poll.done;
    },
  };
}

/**
 * Polls the sync source until stopped and emits what it reports; its first poll is the baseline.
 * Resolves after that first poll with the promise of the running loop.
 */
async function startSyncPoll(o: ClusterWatchOptions, signal: AbortSignal, sleep: (ms: number, s: AbortSignal) => Promise<void>):
  Promise<{ done: Promise<void> }> {
  const source = o.sync;
  if (!source) return { done: Promise.resolve() };
  const once = async () => {
    try {
      for (const e of await source.poll(o.now())) o.events.emit(e);
    } catch (err) {
      if (!signal.aborted) o.log(`reading ${source.what} failed (${err instanceof Error ? err.message : String(err)}); retrying`);
    }
  };
  await once();
  const loop = async () => {
    while (!signal.aborted) {
      await sleep(o.syncPollMs ?? 500, signal);
      if (!signal.aborted) await once();
    }
  };
  return { done: loop() };
}
