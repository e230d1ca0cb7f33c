import * as k8s from '@kubernetes/client-node';
import {
  KubeApiError, type KubeApi, type KubeConfigSource, type KubeCustomObject, type KubeDeployment, type KubeJob, type KubeExternalSecret, type KubeList, type KubePod, type KubeReplicaSet,
  type KubeWatchSession, type KubeWatchType,
} from '../ports/kube.js';
import { followPodLog } from './kube-log.js';

/** ESO's ExternalSecret as a custom object (stack-facts F: `external-secrets.io/v1`). */
const ES = { group: 'external-secrets.io', version: 'v1', plural: 'externalsecrets' } as const;

/**
 * Builds a client-node KubeConfig: kubeconfig text (kind's, so the user's file is never touched)
 * or `loadFromDefault()` + `setCurrentContext` (stack-facts E "KubeConfig").
 */
export function loadKubeConfig(source: KubeConfigSource): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if ('kubeconfig' in source) kc.loadFromString(source.kubeconfig);
  else kc.loadFromDefault();
  if (source.context) {
    if (!kc.getContextObject(source.context)) throw new KubeApiError(`kube context "${source.context}" is not in the kubeconfig`);
    kc.setCurrentContext(source.context);
  }
  return kc;
}

/**
 * A {@link KubeApi} over @kubernetes/client-node 1.4.0 (the only module importing it). Results are
 * turned back into plain JSON (client-node deserialises dates into Date objects); merge patches
 * set their Content-Type explicitly, because generated patch methods default to JSON-Patch
 * (stack-facts E "Patch content-type").
 */
export function createKubeClient(source: KubeConfigSource): KubeApi {
  const kc = loadKubeConfig(source);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const merge = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const w = new k8s.Watch(kc);

  const call = async <T>(what: string, fn: () => Promise<unknown>): Promise<T> => {
    try {
      return plain(await fn()) as T;
    } catch (err) {
      throw toKubeError(what, err);
    }
  };
  /** A delete whose object is already gone (404) is done. */
  const gone = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof k8s.ApiException && err.code === 404) return;
      throw toKubeError(what, err);
    }
  };
  const list = <T>(what: string, fn: () => Promise<unknown>) => call<{ items?: T[]; metadata?: { resourceVersion?: string } }>(what, fn)
    .then((l): KubeList<T> => ({ items: l.items ?? [], resourceVersion: l.metadata?.resourceVersion }));

  return {
    readDeployment: (namespace, name) =>
      call<KubeDeployment>(`read deployment ${namespace}/${name}`, () => apps.readNamespacedDeployment({ name, namespace })),
    patchDeployment: (namespace, name, body) =>
      call<KubeDeployment>(`patch deployment ${namespace}/${name}`, () => apps.patchNamespacedDeployment({ name, namespace, body }, merge())),
    listDeployments: (namespace, labelSelector) =>
      list<KubeDeployment>(`list deployments in ${namespace}`, () => apps.listNamespacedDeployment({ namespace, labelSelector })),
    listReplicaSets: (namespace, labelSelector) =>
      list<KubeReplicaSet>(`list replicasets in ${namespace}`, () => apps.listNamespacedReplicaSet({ namespace, labelSelector })),
    listPods: (namespace, labelSelector) =>
      list<KubePod>(`list pods in ${namespace}`, () => core.listNamespacedPod({ namespace, labelSelector })),
    readExternalSecret: (namespace, name) =>
      call<KubeExternalSecret>(`read externalsecret ${namespace}/${name}`, () => custom.getNamespacedCustomObject({ ...ES, namespace, name })),
    patchExternalSecret: (namespace, name, body) =>
      call<KubeExternalSecret>(`patch externalsecret ${namespace}/${name}`,
        () => custom.patchNamespacedCustomObject({ ...ES, namespace, name, body }, merge())),
    createConfigMap: async (namespace, body) => {
      await call(`create configmap in ${namespace}`, () => core.createNamespacedConfigMap({ namespace, body: body as k8s.V1ConfigMap }));
    },
    createJob: async (namespace, body) => {
      await call(`create job in ${namespace}`, () => batch.createNamespacedJob({ namespace, body: body as k8s.V1Job }));
    },
    listJobs: (namespace, labelSelector) =>
      list<KubeJob>(`list jobs in ${namespace}`, () => batch.listNamespacedJob({ namespace, labelSelector })),
    deleteJob: (namespace, name) => gone(`delete job ${namespace}/${name}`,
      // Background: the Job goes at once, the garbage collector removes its pods (kubectl's default is the same).
      () => batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' })),
    deleteConfigMap: (namespace, name) => gone(`delete configmap ${namespace}/${name}`,
      () => core.deleteNamespacedConfigMap({ name, namespace })),
    readCustomObject: (kind, namespace, name) =>
      call<KubeCustomObject>(`read ${kind.plural} ${namespace}/${name}`, () => custom.getNamespacedCustomObject({ ...kind, namespace, name })),
    patchCustomObject: (kind, namespace, name, body) =>
      call<KubeCustomObject>(`patch ${kind.plural} ${namespace}/${name}`,
        () => custom.patchNamespacedCustomObject({ ...kind, namespace, name, body }, merge())),
    async readSecretResourceVersion(namespace, name) {
      try {
        const s = await core.readNamespacedSecret({ name, namespace });
        // Only the version leaves this function: the Secret's data is dropped here.
        return s.metadata?.resourceVersion;
      } catch (err) {
        if (err instanceof k8s.ApiException && err.code === 404) return undefined;
        throw toKubeError(`read secret ${namespace}/${name}`, err);
      }
    },
    async watch(path, query, onEvent) {
      let resolveEnd!: (e: Error | null) => void;
      const ended = new Promise<Error | null>((r) => { resolveEnd = r; });
      let stopped = false;
      // client-node calls `done` exactly once: null on a normal close, else the error (stack-facts E "Watch").
      const ctrl = await w.watch(path, query, (type, obj) => { if (!stopped) onEvent(type as KubeWatchType, obj); },
        (err: unknown) => resolveEnd(err ? toKubeError(`watch ${path}`, err) : null));
      const session: KubeWatchSession = {
        ended,
        stop: () => {
          if (stopped) return;
          stopped = true;
          ctrl.abort();
          resolveEnd(null);
        },
      };
      return session;
    },
    followLog: (namespace, pod, container, opts, onLine) => followPodLog(kc, namespace, pod, container, opts, onLine),
  };
}

/** client-node models → the JSON the API server sent (Date → ISO string; undefined fields dropped). */
function plain(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

function toKubeError(what: string, err: unknown): KubeApiError {
  if (err instanceof KubeApiError) return err;
  if (err instanceof k8s.ApiException) {
    const reason = apiMessage(err.body) ?? `HTTP ${err.code}`;
    return new KubeApiError(`Kubernetes API: ${what} failed: ${reason}`, { status: err.code });
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (typeof e?.statusCode === 'number') return new KubeApiError(`Kubernetes API: ${what} failed: HTTP ${e.statusCode}`, { status: e.statusCode });
  return new KubeApiError(`Kubernetes API: ${what} failed: ${e?.code ?? e?.message ?? String(err)}`);
}

/** The `message` of a Kubernetes Status body, when the body is one. */
function apiMessage(body: unknown): string | undefined {
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const m = (parsed as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' && m ? m : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
