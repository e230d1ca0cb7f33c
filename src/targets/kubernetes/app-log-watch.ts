import type { EventSink } from '../../ports/events.js';
import { KubeApiError, type KubeApi, type KubeLogOptions, type KubePod } from '../../ports/kube.js';
import { parseAppLine } from './app-log-lines.js';
import { followFromCursor, LogCursor } from './log-cursor.js';
import { startWatchLoop, type Backoff } from './watch-loop.js';
import { abortableSleep } from '../../runtime/timers.js';

/** Where the app-log watch looks and where its events go. */
export interface AppLogWatchOptions {
  kube: KubeApi;
  namespace: string;
  /** Label selector of the app's pods. */
  labelSelector: string;
  /** The app's container in those pods (`demo-app` in src/stack/manifests/demo-app.ts). */
  container: string;
  events: EventSink;
  /** Run clock. */
  now(): number;
  signal: AbortSignal;
  /** A pod watch or log follow that ended with an error, for the progress lines. */
  log(line: string): void;
  /** Between pod watch attempts and between follows of one log; default 250 ms doubling to 5 s. */
  backoff?: Backoff;
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/** A running app-log watch. */
export interface AppLogWatch {
  /** Resolves once the first pod list was taken (the pods that are "already running"). */
  ready: Promise<void>;
  /** Log follows opened so far (all pods). */
  follows(): number;
  /** Pods whose log is being followed now (a follow open or waiting to be resumed). */
  following(): number;
  /** Ends the pod watch and every log follow; resolves when all have ended. */
  stop(): Promise<void>;
}

/** One pod whose app container is followed. */
interface Followed {
  uid?: string;
  restartCount: number;
  running: boolean;
  /** Pods already there at start are read from then on; later pods (and restarts before any line) from the beginning. */
  fromStart: boolean;
  cursor: LogCursor;
  /** Run-clock ms the first follow began. */
  firstFollowAt?: number;
  stopper: AbortController;
  loop?: Promise<void>;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 5000 };

/**
 * For strategies that reload in place (agent-template: Vault Agent re-renders the file and
 * SIGHUPs the app; csi: the driver rewrites the mounted file and the app re-reads it), the app's
 * own log is the only trace of a pickup on a cluster. This lists+watches the app's pods and
 * follows the app container's log in each once it runs: a `reloaded` line becomes
 * `credentials_reloaded` for that pod, a `reload_failed` line a warning. A follow that ends while
 * the pod exists is resumed (back-off) from the last line seen (LogCursor); deleting the pod ends
 * it. A growing `restartCount` of the app container is reported as `replica_exited` — with
 * revision 0: the pod-template-hash → revision mapping lives in the rollout tracker, not here.
 * Event times are when a line arrived (a line replayed after a reconnect arrives late).
 */
export function startAppLogWatch(o: AppLogWatchOptions): AppLogWatch {
  const stopper = new AbortController();
  const signal = AbortSignal.any([o.signal, stopper.signal]);
  const sleep = o.sleep ?? abortableSleep;
  const backoff = o.backoff ?? DEFAULT_BACKOFF;
  const ns = o.namespace;
  const pods = new Map<string, Followed>();
  let follows = 0;
  let refusedWarned = false;
  let following = 0;
  let firstList = true;

  const forget = (name: string) => {
    const f = pods.get(name);
    if (!f) return;
    pods.delete(name);
    f.stopper.abort();
  };

  const seen = (pod: KubePod, atStart: boolean) => {
    const name = pod.metadata.name;
    let f = pods.get(name);
    // Same name, new uid: another pod (a StatefulSet's, or deleted and re-created while unwatched).
    if (f && pod.metadata.uid && f.uid && f.uid !== pod.metadata.uid) {
      forget(name);
      f = undefined;
    }
    const status = pod.status?.containerStatuses?.find((s) => s.name === o.container);
    const restartCount = status?.restartCount ?? 0;
    const running = status?.state?.running !== undefined;
    if (!f) {
      // A container not yet running at start has written nothing old: it is read from its start too.
      f = { uid: pod.metadata.uid, restartCount, running, fromStart: !atStart || !running, cursor: new LogCursor(), stopper: new AbortController() };
      pods.set(name, f);
    } else if (restartCount > f.restartCount) {
      o.events.emit({ t: o.now(), type: 'replica_exited', replica: name, revision: 0,
        code: status?.lastState?.terminated?.exitCode ?? null, signal: null, expected: false });
      // Nothing read yet: the new instance is read from its first line.
      if (f.cursor.sinceTime() === undefined) f.fromStart = true;
    }
    f.restartCount = restartCount;
    f.running = running;
    if (running && !f.loop) f.loop = follow(name, f);
  };

  async function follow(name: string, f: Followed): Promise<void> {
    const podSignal = AbortSignal.any([signal, f.stopper.signal]);
    let delay = backoff.initialMs;
    following++;
    while (!podSignal.aborted) {
      let delivered = 0;
      try {
        const from = startOf(f);
        f.firstFollowAt ??= o.now();
        follows++;
        await followFromCursor(o.kube, { namespace: ns, pod: name, container: o.container }, f.cursor, { signal: podSignal, from }, (text) => {
          delivered++;
          handle(name, text);
        });
      } catch (err) {
        if (podSignal.aborted) break;
        // 404: the pod is gone; its DELETED event ends the follow for good.
        if (err instanceof KubeApiError && err.status === 404) break;
        // Refused (RBAC without pods/log): the reloads go unseen; the report must say so, not only a progress line.
        if (err instanceof KubeApiError && (err.status === 401 || err.status === 403) && !refusedWarned) {
          refusedWarned = true;
          o.events.emit({ t: o.now(), type: 'warning', message: `the app's log cannot be read (${err.message}): reloads in place are not observed` });
        }
        o.log(`log of pod ${name} ended (${err instanceof Error ? err.message : String(err)}); following again`);
      }
      // The container stopped (its follow ends with it): wait for the watch to see it running again.
      if (podSignal.aborted || !f.running) break;
      delay = delivered > 0 ? backoff.initialMs : delay;
      await sleep(delay, podSignal);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
    f.loop = undefined;
    following--;
  }

  /** Where a follow starts before any line was read (after one, the cursor says): from the start or from when we began. */
  function startOf(f: Followed): Omit<KubeLogOptions, 'signal'> {
    if (f.fromStart) return {};
    if (f.firstFollowAt === undefined) return { tailLines: 0 };
    // No line yet since we began: the lines of the time since (whole seconds, at least one).
    return { sinceSeconds: Math.max(1, Math.floor((o.now() - f.firstFollowAt) / 1000)) };
  }

  function handle(pod: string, text: string): void {
    const e = parseAppLine(text);
    if (e?.event === 'reloaded') {
      o.events.emit({ t: o.now(), type: 'credentials_reloaded', leaseId: '', replicas: 1, replica: pod, username: e.username });
    } else if (e?.event === 'reload_failed') {
      o.events.emit({ t: o.now(), type: 'warning', message: `pod ${pod}: the app could not reload its credentials: ${e.message}` });
    }
  }

  const loop = startWatchLoop<KubePod>({
    kube: o.kube, path: `/api/v1/namespaces/${ns}/pods`, query: { labelSelector: o.labelSelector },
    list: () => o.kube.listPods(ns, o.labelSelector),
    onList: (items) => {
      // A relist after a watch gap: pods not listed were deleted meanwhile, unknown ones are new.
      const names = new Set(items.map((p) => p.metadata.name));
      for (const name of [...pods.keys()]) if (!names.has(name)) forget(name);
      for (const p of items) seen(p, firstList);
      firstList = false;
    },
    onEvent: (type, pod) => (type === 'DELETED' ? forget(pod.metadata.name) : seen(pod, false)),
    onError: (err) => o.log(`watch of the app's pods ended (${err instanceof Error ? err.message : String(err)}); restarting`),
    backoff, sleep, signal,
  });

  return {
    ready: loop.ready,
    follows: () => follows,
    following: () => following,
    stop: async () => {
      stopper.abort();
      await loop.stop();
      await Promise.all([...pods.values()].map((f) => f.loop));
      for (const name of [...pods.keys()]) forget(name);
    },
  };
}
