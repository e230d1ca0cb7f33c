import { RELOADER_LAST_RELOADED_FROM, WAVE_CONFIG_HASH, type KubeDeployment, type KubePod } from '../../ports/kube.js';

/**
 * The pod-template annotations a reloader writes to roll a Deployment: Wave's config hash or
 * Reloader's last-reloaded-from. A lab switched from one to the other (`bootstrap --reloader`)
 * keeps the old one's value on the template, unchanged from then on, next to the new one's.
 */
export const RELOAD_TRIGGER_ANNOTATIONS = [WAVE_CONFIG_HASH, RELOADER_LAST_RELOADED_FROM] as const;

/**
 * What the controllers (`keys`: e.g. RELOAD_TRIGGER_ANNOTATIONS) last wrote on a pod template, as
 * one comparable value: a change means one of them rolled the Deployment. Undefined when none is
 * there (a rollout then is someone else's: an image change, `kubectl rollout restart`). All present
 * count together, so a change of any one is seen.
 */
export function templateMarkOf(annotations: Readonly<Record<string, string>> | undefined, keys: readonly string[]): string | undefined {
  const found = keys.filter((k) => annotations?.[k] !== undefined).map((k) => `${k}=${annotations?.[k]}`);
  return found.length > 0 ? found.join('\n') : undefined;
}

/** What the completion rule needs to know about one pod. */
export interface PodView {
  name: string;
  ready: boolean;
  /** `metadata.deletionTimestamp` is set. */
  terminating: boolean;
}

/** Pods of the target revision that serve, and pods of any other revision still present. */
export interface PodSummary {
  newReady: number;
  oldLeft: number;
}

/** Ready = condition `Ready` is `True` (what endpoints use to route traffic). */
export function isPodReady(pod: KubePod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Counts ready pods of the target revision and pods of other revisions (terminating ones included). */
export function podSummary(pods: readonly PodView[], isTarget: (p: PodView) => boolean): PodSummary {
  let newReady = 0;
  let oldLeft = 0;
  for (const p of pods) {
    if (!isTarget(p)) oldLeft++;
    else if (p.ready && !p.terminating) newReady++;
  }
  return { newReady, oldLeft };
}

/**
 * `kubectl rollout status` semantics (stack-facts E "Rollout completion"): the controller has
 * observed the newest generation, every wanted replica is updated, no old replica is counted,
 * and the updated ones are available. Status fields that are absent do not block (a Deployment
 * seen without status is judged by its pods alone).
 */
export function deploymentStatusDone(d: KubeDeployment): boolean {
  const st = d.status;
  if (!st) return true;
  const wanted = d.spec?.replicas ?? 1;
  const generation = d.metadata.generation ?? 0;
  const updated = st.updatedReplicas ?? 0;
  return (st.observedGeneration ?? generation) >= generation
    && updated >= wanted
    && (st.replicas ?? 0) <= updated
    && (st.availableReplicas ?? 0) >= updated;
}

/**
 * A rollout is done when the Deployment status says so AND the pods agree: `wanted` new pods
 * ready and every old pod gone (status.replicas leaves out terminating pods, which may still
 * serve requests during their preStop sleep — the rollout is not over for the load until they exit).
 */
export function rolloutDone(d: KubeDeployment, pods: PodSummary, wanted: number): boolean {
  return deploymentStatusDone(d) && pods.newReady >= wanted && pods.oldLeft === 0;
}
