import type { KubeApi, KubePod } from '../../ports/kube.js';
import { deploymentStatusDone, isPodReady } from './rollout-rules.js';

/** Where to look and how long to wait. */
export interface SettleOptions {
  kube: KubeApi;
  namespace: string;
  deployment: string;
  labelSelector: string;
  secret: string;
  /** Nothing may change for this long (ESO → Secret → Wave → Deployment takes a few seconds). */
  quietMs: number;
  timeoutMs: number;
  pollMs: number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  now(): number;
  signal: AbortSignal;
}

/** How the wait ended. */
export interface SettleResult {
  settled: boolean;
  /** What was still moving at the timeout. */
  detail: string;
}

/**
 * Waits until the demo app is at rest before the load: the Deployment's rollout is complete
 * (stack-facts E), every pod is ready and none terminating, and neither the Deployment's
 * generation nor the Secret's version changed for `quietMs` — a setting applied just before
 * (refreshInterval) makes ESO sync, and the rollout Wave starts for it must not land in the run.
 */
export async function waitSettled(o: SettleOptions): Promise<SettleResult> {
  const deadline = o.now() + o.timeoutMs;
  let last = '';
  let quietSince = o.now();
  let detail = 'not checked';
  while (!o.signal.aborted) {
    const [d, pods, secretVersion] = await Promise.all([
      o.kube.readDeployment(o.namespace, o.deployment),
      o.kube.listPods(o.namespace, o.labelSelector),
      o.kube.readSecretResourceVersion(o.namespace, o.secret),
    ]);
    const stamp = `${d.metadata.generation ?? 0}/${secretVersion ?? ''}`;
    if (stamp !== last) {
      last = stamp;
      quietSince = o.now();
    }
    const wanted = d.spec?.replicas ?? 1;
    const live = pods.items.filter((p: KubePod) => !p.metadata.deletionTimestamp);
    const ready = live.filter(isPodReady).length;
    const terminating = pods.items.length - live.length;
    const done = deploymentStatusDone(d) && ready >= wanted && live.length === wanted && terminating === 0;
    detail = `${ready}/${wanted} pods ready, ${terminating} terminating, ${live.length - ready} not ready`;
    if (done && o.now() - quietSince >= o.quietMs) return { settled: true, detail };
    if (o.now() >= deadline) return { settled: false, detail };
    await o.sleep(o.pollMs, o.signal);
  }
  return { settled: false, detail };
}
