import type { RunEvent } from '../../ports/events.js';
import type { KubeApi } from '../../ports/kube.js';

/**
 * The controller that delivers a strategy's credentials, read at every poll of the cluster watch
 * (watcher.ts): ESO's ExternalSecret, VSO's VaultDynamicSecret. `poll` returns the events that
 * happened since the last poll; the first poll only takes the baseline and returns nothing.
 */
export interface SyncSource {
  /** For log lines, e.g. "ExternalSecret demo-app-db". */
  what: string;
  poll(t: number): Promise<RunEvent[]>;
}

/**
 * Reports every new resourceVersion of the Secret a controller writes as `secret_synced`
 * (with the controller's refresh time when it has one), after a baseline read. The Secret's data
 * never leaves the adapter: only its version is read.
 */
export function secretVersions(kube: KubeApi, namespace: string, secret: string):
  (t: number, refreshTime?: string) => Promise<RunEvent[]> {
  let last: string | undefined;
  let first = true;
  return async (t, refreshTime) => {
    const version = await kube.readSecretResourceVersion(namespace, secret);
    const out: RunEvent[] = [];
    if (!first && version !== undefined && version !== last) {
      out.push({ t, type: 'secret_synced', resourceVersion: version, ...(refreshTime ? { refreshTime } : {}) });
    }
    if (version !== undefined) last = version;
    first = false;
    return out;
  };
}

/** A `warning` when a controller's Ready condition turns not-True, once per distinct problem. */
export function readyWarnings(what: string): (t: number, ready: { status?: string; reason?: string; message?: string } | undefined) => RunEvent[] {
  let lastProblem = '';
  return (t, ready) => {
    const problem = ready && ready.status !== 'True' ? `${ready.reason ?? 'not ready'}: ${ready.message ?? ''}` : '';
    const out: RunEvent[] = problem && problem !== lastProblem ? [{ t, type: 'warning', message: `${what} ${problem}`.trim() }] : [];
    lastProblem = problem;
    return out;
  };
}
