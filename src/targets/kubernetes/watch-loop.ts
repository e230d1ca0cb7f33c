import type { KubeApi, KubeList, KubeWatchType } from '../../ports/kube.js';

/** How a restarting watch waits between attempts. */
export interface Backoff {
  /** First wait after a failed attempt, ms. */
  initialMs: number;
  /** Upper bound of the doubling wait, ms. */
  maxMs: number;
}

/** One resource kept in view: list, then watch from the list's version, again whenever the watch ends. */
export interface WatchLoopOptions<T> {
  kube: KubeApi;
  /** API path of the collection, e.g. `/api/v1/namespaces/<ns>/pods`. */
  path: string;
  query: Record<string, string>;
  list(): Promise<KubeList<T>>;
  /** A fresh list: every object (re-delivered as ADDED) and then the names it held. */
  onList(items: T[]): void;
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void;
  /** A failed attempt (list or watch error); the loop retries after the backoff. */
  onError(err: unknown): void;
  backoff: Backoff;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
}

/** A running loop. */
export interface WatchLoop {
  /** Resolves after the first list was delivered (the baseline); rejects if the loop stopped first. */
  ready: Promise<void>;
  /** How many times the watch was (re)opened after the first. */
  restarts(): number;
  /** Stops the loop and closes the open watch; resolves when the loop has ended. */
  stop(): Promise<void>;
}

/**
 * The informer pattern without a cache (stack-facts E "Watch": servers close watches
 * periodically, always restart): LIST gives the current objects and a resourceVersion, WATCH from
 * that version streams every change after it. When the watch ends — a normal server close, an
 * `ERROR` event such as 410 Gone, or a broken connection — the loop lists again, so nothing that
 * happened while no watch was open is lost. Failures back off exponentially; a clean close
 * restarts at once.
 */
export function startWatchLoop<T>(o: WatchLoopOptions<T>): WatchLoop {
  const stopper = new AbortController();
  const signal = AbortSignal.any([o.signal, stopper.signal]);
  let session: { stop(): void } | undefined;
  let restarts = -1;
  let markReady!: () => void;
  let failReady!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => { markReady = res; failReady = rej; });
  ready.catch(() => {});
  signal.addEventListener('abort', () => { session?.stop(); failReady(new Error('watch stopped')); }, { once: true });

  const run = async () => {
    let delay = o.backoff.initialMs;
    while (!signal.aborted) {
      let clean = false;
      try {
        const listed = await o.list();
        if (signal.aborted) break;
        o.onList(listed.items);
        markReady();
        const query = { ...o.query, allowWatchBookmarks: 'true', ...(listed.resourceVersion ? { resourceVersion: listed.resourceVersion } : {}) };
        let errorEvent: unknown;
        restarts++;
        const s = await o.kube.watch(o.path, query, (type: KubeWatchType, object: unknown) => {
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') o.onEvent(type, object as T);
          else if (type === 'ERROR') {
            // e.g. 410 Gone: the version is too old; list again.
            errorEvent = object;
            session?.stop();
          }
        });
        session = s;
        // An ERROR event or an abort may have come before `session` was set.
        if (signal.aborted || errorEvent) s.stop();
        const err = await s.ended;
        session = undefined;
        if (err) throw err;
        if (errorEvent) throw new Error(`watch ${o.path}: ${statusMessage(errorEvent)}`);
        clean = true;
      } catch (err) {
        if (signal.aborted) break;
        o.onError(err);
      }
      if (signal.aborted) break;
      if (clean) {
        delay = o.backoff.initialMs;
        continue;
      }
      await o.sleep(delay, signal);
      delay = Math.min(delay * 2, o.backoff.maxMs);
    }
  };
  const done = run();
  return {
    ready,
    restarts: () => Math.max(0, restarts),
    stop: async () => {
      stopper.abort();
      await done;
    },
  };
}

function statusMessage(obj: unknown): string {
  const s = obj as { code?: number; message?: string } | undefined;
  return [s?.code, s?.message].filter((v) => v !== undefined).join(' ') || 'ERROR event';
}
