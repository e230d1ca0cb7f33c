/**
 * Builders of the demo app's objects as the API server sends them, and a scripted rolling update
 * (maxSurge 1, maxUnavailable 0) played into the Kubernetes double.
 */
import type { KubeDouble } from './kube-double.js';

export const NS = 'vaultctl-demo';
export const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;
export const REPLICASETS = `/apis/apps/v1/namespaces/${NS}/replicasets`;
export const PODS = `/api/v1/namespaces/${NS}/pods`;
export const SECRETS = `/api/v1/namespaces/${NS}/secrets`;
export const EXTERNALSECRETS = `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets`;
const LABELS = { 'app.kubernetes.io/name': 'demo-app' };
const WAVE_HASH = 'wave.pusher.com/config-hash';

/**
 * Where the builders put the demo app: a namespace (the base lab's by default; a strategy's copy
 * lives in `vaultctl-<strategy>`) and the pod-template annotation its controller rolls it with
 * (Wave's config hash by default; VSO's restartedAt). `extraPod` adds to every pod (an injected agent).
 */
export interface AppPlace {
  ns?: string;
  hashKey?: string;
  extraPod?: (p: { metadata: Record<string, any>; spec: { containers: { name: string }[] } }) => void;
}

/** The collection paths of a namespace. */
export function collections(ns: string) {
  return {
    deployments: `/apis/apps/v1/namespaces/${ns}/deployments`,
    replicasets: `/apis/apps/v1/namespaces/${ns}/replicasets`,
    pods: `/api/v1/namespaces/${ns}/pods`,
    secrets: `/api/v1/namespaces/${ns}/secrets`,
  };
}

export function deployment(o: { generation: number; revision: number; hash: string; replicas?: number;
  status?: [replicas: number, updated: number, available: number]; observed?: number }, at: AppPlace = {}) {
  const replicas = o.replicas ?? 3;
  const [r, u, a] = o.status ?? [replicas, replicas, replicas];
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'demo-app', namespace: at.ns ?? NS, generation: o.generation, labels: LABELS,
      annotations: { 'deployment.kubernetes.io/revision': String(o.revision), 'wave.pusher.com/update-on-config-change': 'true' } },
    spec: { replicas, selector: { matchLabels: LABELS }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels: LABELS, annotations: { [at.hashKey ?? WAVE_HASH]: o.hash } }, spec: { containers: [{ name: 'demo-app', image: 'node:20-alpine' }] } } },
    status: { observedGeneration: o.observed ?? o.generation, replicas: r, updatedReplicas: u, readyReplicas: a, availableReplicas: a },
  };
}

export function replicaSet(name: string, revision: number, hash: string, replicas: number, at: AppPlace = {}) {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name, namespace: at.ns ?? NS, labels: LABELS, annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-app', uid: 'd-1' }] },
    spec: { replicas, selector: { matchLabels: LABELS }, template: { metadata: { labels: LABELS, annotations: { [at.hashKey ?? WAVE_HASH]: hash } } } },
    status: { replicas },
  };
}

export function pod(name: string, rs: string, hash: string, ready: boolean, deleting = false, at: AppPlace = {}) {
  const p = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: at.ns ?? NS, labels: LABELS, annotations: { [at.hashKey ?? WAVE_HASH]: hash } as Record<string, string>,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `${rs}-uid` }],
      ...(deleting ? { deletionTimestamp: '2026-11-22T10:00:00Z' } : {}) },
    spec: { containers: [{ name: 'demo-app', image: 'node:20-alpine' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'demo-app', restartCount: 0, ready, state: { running: { startedAt: '2026-11-22T10:00:00Z' } } }] },
  };
  at.extraPod?.(p);
  return p;
}

export function externalSecret(refreshTime: string) {
  return {
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret',
    metadata: { name: 'demo-app-db', namespace: NS, generation: 1, labels: LABELS },
    spec: { refreshPolicy: 'Periodic', refreshInterval: '1m', target: { name: 'demo-app-db', creationPolicy: 'Owner' } },
    status: { refreshTime, syncedResourceVersion: '1-abc', conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'secret synced' }] },
  };
}

export function secret() {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo-app-db', namespace: NS }, type: 'Opaque',
    data: { username: Buffer.from('v-user').toString('base64'), password: Buffer.from('not-a-real-password').toString('base64') } };
}

/** A settled copy of the demo app at `at`: revision 1, three ready pods (no controller objects). */
export function seedApp(k: KubeDouble, at: AppPlace): void {
  const c = collections(at.ns ?? NS);
  k.put(c.deployments, deployment({ generation: 1, revision: 1, hash: 'h1' }, at));
  k.put(c.replicasets, replicaSet('demo-app-r1', 1, 'h1', 3, at));
  for (const i of [1, 2, 3]) k.put(c.pods, pod(`demo-app-r1-${i}`, 'demo-app-r1', 'h1', true, false, at));
}

/** A settled lab: revision 1, three ready pods, the ExternalSecret and its Secret. */
export function seedLab(k: KubeDouble): void {
  k.put(DEPLOYMENTS, deployment({ generation: 1, revision: 1, hash: 'h1' }));
  k.put(REPLICASETS, replicaSet('demo-app-r1', 1, 'h1', 3));
  for (const i of [1, 2, 3]) k.put(PODS, pod(`demo-app-r1-${i}`, 'demo-app-r1', 'h1', true));
  k.put(EXTERNALSECRETS, externalSecret('2026-11-22T10:00:00Z'));
  k.put(SECRETS, secret());
}

/**
 * Plays one rolling update from revision `rev - 1` to `rev` the way the controllers do: Wave
 * changes the template hash, the new ReplicaSet appears, each new pod becomes ready before an old
 * one terminates and later disappears. `between` runs after every step (e.g. a short sleep, or a
 * watch restart at a chosen step).
 */
export async function playRollout(k: KubeDouble, rev: number, between: (step: number) => Promise<void>, at: AppPlace = {}): Promise<void> {
  const [oldRs, newRs, oldHash, newHash] = [`demo-app-r${rev - 1}`, `demo-app-r${rev}`, `h${rev - 1}`, `h${rev}`];
  const c = collections(at.ns ?? NS);
  let step = 0;
  const next = async () => between(++step);
  k.put(c.deployments, deployment({ generation: rev, revision: rev - 1, hash: newHash, observed: rev - 1 }, at));
  await next();
  k.put(c.replicasets, replicaSet(newRs, rev, newHash, 1, at));
  k.put(c.deployments, deployment({ generation: rev, revision: rev, hash: newHash, status: [4, 1, 3] }, at));
  await next();
  for (const i of [1, 2, 3]) {
    k.put(c.pods, pod(`${newRs}-${i}`, newRs, newHash, false, false, at));
    await next();
    k.put(c.pods, pod(`${newRs}-${i}`, newRs, newHash, true, false, at));
    k.put(c.pods, pod(`${oldRs}-${i}`, oldRs, oldHash, true, true, at));
    await next();
  }
  k.put(c.deployments, deployment({ generation: rev, revision: rev, hash: newHash }, at));
  for (const i of [1, 2, 3]) {
    k.remove(c.pods, `${oldRs}-${i}`);
    await next();
  }
}
