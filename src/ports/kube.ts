import { ExternalError } from '../errors/errors.js';

/**
 * The slice of the Kubernetes API the kubernetes target uses, as plain JSON shapes (what the API
 * server sends; dates stay strings). Only src/adapters/kube-client.ts implements it with
 * @kubernetes/client-node; tests use a node:http double (test/support/kube-double.ts).
 */

/** `metadata` fields the target reads. */
export interface KubeMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Set when deletion has started (a terminating pod). */
  deletionTimestamp?: string;
  ownerReferences?: { kind: string; name: string; uid?: string }[];
}

/** A condition as every built-in and ESO status carries it. */
export interface KubeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface KubeDeployment {
  metadata: KubeMeta;
  spec?: {
    replicas?: number;
    template?: { metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> } };
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: KubeCondition[];
  };
}

export interface KubeReplicaSet {
  metadata: KubeMeta;
  spec?: { replicas?: number; template?: { metadata?: { annotations?: Record<string, string> } } };
  status?: { replicas?: number; readyReplicas?: number };
}

export interface KubePod {
  metadata: KubeMeta;
  spec?: { containers?: { name: string }[] };
  status?: { phase?: string; conditions?: KubeCondition[]; containerStatuses?: KubeContainerStatus[] };
}

/** `status.containerStatuses[]` of a pod: the fields the app-log watch reads. */
export interface KubeContainerStatus {
  name: string;
  restartCount?: number;
  /** One of `waiting`, `running`, `terminated` is set. */
  state?: { running?: { startedAt?: string }; waiting?: { reason?: string }; terminated?: { exitCode?: number } };
  /** The previous instance's end, after a restart. */
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
}

/**
 * Where a followed container log starts (`GET .../pods/<pod>/log`, PodLogOptions). Without any
 * of these the whole log of the current container instance comes first. `sinceTime` (RFC 3339)
 * reaches the kubelet at whole seconds: the API server formats it with time.RFC3339
 * (kubernetes/kubernetes pkg/registry/core/pod/strategy.go LogLocation).
 */
export interface KubeLogOptions {
  /** Ends the request; the follow then resolves. */
  signal: AbortSignal;
  /** Only the last N lines (0: none, i.e. from now on). */
  tailLines?: number;
  /** Only lines of the last N seconds (by the kubelet's clock; at least 1). */
  sinceSeconds?: number;
  sinceTime?: string;
  /** Prefix every line with its RFC3339Nano timestamp and a space (the kubelet's `timestamps=true`). */
  timestamps?: boolean;
}

/** ESO ExternalSecret (`external-secrets.io/v1`), the fields the target touches (stack-facts F). */
export interface KubeExternalSecret {
  metadata: KubeMeta;
  spec?: { refreshInterval?: string; [key: string]: unknown };
  status?: { refreshTime?: string; syncedResourceVersion?: string; conditions?: KubeCondition[] };
}

/** A batch/v1 Job: the fields the load Job's owner reads. */
export interface KubeJob {
  metadata: KubeMeta;
  status?: { active?: number; succeeded?: number; failed?: number; conditions?: KubeCondition[] };
}

/** A custom resource's coordinates, e.g. VSO's VaultDynamicSecret (`secrets.hashicorp.com`, `v1beta1`, `vaultdynamicsecrets`). */
export interface KubeCustomKind {
  group: string;
  version: string;
  plural: string;
}

/** A custom object as JSON: the target reads the fields it knows and leaves the rest. */
export interface KubeCustomObject {
  metadata: KubeMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/**
 * Where a client's kubeconfig comes from: kubeconfig text (`kind get kubeconfig`, so the user's
 * file is never touched; its current context unless `context` is given), or the default
 * kubeconfig (`$KUBECONFIG`, `~/.kube/config`) with this context.
 */
export type KubeConfigSource = { kubeconfig: string; context?: string } | { context: string };

/** What a watch delivers (client-node `Watch` callback: phase + object). */
export type KubeWatchType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One running watch connection. */
export interface KubeWatchSession {
  /** Resolves once when the connection ends: null for a normal server close, else the error. */
  ended: Promise<Error | null>;
  /** Closes the connection; `ended` then resolves. Safe to call twice. */
  stop(): void;
}

/** A list with the collection's resourceVersion (a watch started from it misses nothing). */
export interface KubeList<T> {
  items: T[];
  resourceVersion?: string;
}

/** The Kubernetes API calls of the kubernetes target. Namespaced names everywhere. */
export interface KubeApi {
  readDeployment(namespace: string, name: string): Promise<KubeDeployment>;
  /** JSON merge patch (`application/merge-patch+json`) of a Deployment. */
  patchDeployment(namespace: string, name: string, patch: Record<string, unknown>): Promise<KubeDeployment>;
  listDeployments(namespace: string, labelSelector?: string): Promise<KubeList<KubeDeployment>>;
  listReplicaSets(namespace: string, labelSelector?: string): Promise<KubeList<KubeReplicaSet>>;
  listPods(namespace: string, labelSelector?: string): Promise<KubeList<KubePod>>;
  readExternalSecret(namespace: string, name: string): Promise<KubeExternalSecret>;
  /** JSON merge patch of an ExternalSecret (merge patch works on CRs; strategic merge does not — stack-facts E/F). */
  patchExternalSecret(namespace: string, name: string, patch: Record<string, unknown>): Promise<KubeExternalSecret>;
  /** The Secret's `metadata.resourceVersion`; undefined when it does not exist. Never reads its data. */
  readSecretResourceVersion(namespace: string, name: string): Promise<string | undefined>;
  /** Creates a ConfigMap (a 409 if it exists is a KubeApiError with status 409). */
  createConfigMap(namespace: string, body: Record<string, unknown>): Promise<void>;
  /** Creates a Job. */
  createJob(namespace: string, body: Record<string, unknown>): Promise<void>;
  /** Jobs of a namespace by label. */
  listJobs(namespace: string, labelSelector?: string): Promise<KubeList<KubeJob>>;
  /** Deletes a Job and (propagation Background) its pods; a Job already gone is fine. */
  deleteJob(namespace: string, name: string): Promise<void>;
  /** Deletes a ConfigMap; one already gone is fine. */
  deleteConfigMap(namespace: string, name: string): Promise<void>;
  /** GET of one custom object (a controller's CR: VSO's VaultDynamicSecret). */
  readCustomObject(kind: KubeCustomKind, namespace: string, name: string): Promise<KubeCustomObject>;
  /** JSON merge patch (RFC 7386) of one custom object. */
  patchCustomObject(kind: KubeCustomKind, namespace: string, name: string, patch: Record<string, unknown>): Promise<KubeCustomObject>;
  /**
   * Opens one watch on an API path (`/apis/apps/v1/namespaces/<ns>/deployments`); `query` goes on
   * the URL (labelSelector, fieldSelector, resourceVersion, allowWatchBookmarks). Restarting is
   * the caller's job (servers close watches periodically).
   */
  watch(path: string, query: Record<string, string>, onEvent: (type: KubeWatchType, object: unknown) => void): Promise<KubeWatchSession>;
  /**
   * Follows one container's log (`follow=true`), calling `onLine` once per complete line (without
   * its newline; lines over 64 KiB are dropped). Resolves when the stream ends: the container
   * stopped, the pod is gone, the API server closed it, or `opts.signal` aborted. Rejects with a
   * {@link KubeApiError} on an HTTP error (404 no such pod, 400 no such container) or a broken connection.
   */
  followLog(namespace: string, pod: string, container: string, opts: KubeLogOptions, onLine: (line: string) => void): Promise<void>;
}

/** A Kubernetes API call failed. `status` is the HTTP status when one arrived. */
export class KubeApiError extends ExternalError {
  readonly status?: number;
  constructor(message: string, opts: { status?: number; hint?: string } = {}) {
    super(message, { hint: opts.hint });
    this.status = opts.status;
  }
}

/** The ESO annotation that forces a refresh (`external-secrets.io/force-sync`, stack-facts F). */
export const FORCE_SYNC_ANNOTATION = 'force-sync';
/** Wave's pod-template annotation: the hash of the Secrets/ConfigMaps the pods read (stack-facts G). */
export const WAVE_CONFIG_HASH = 'wave.pusher.com/config-hash';
/**
 * Stakater Reloader's pod-template annotation with `reloadStrategy: annotations`: a JSON of the
 * Secret that triggered the reload and its SHA1, rewritten on every reload
 * (stakater/Reloader@v1.4.21 internal/pkg/constants/constants.go, internal/pkg/handler/upgrade.go `createReloadedAnnotations`).
 */
export const RELOADER_LAST_RELOADED_FROM = 'reloader.stakater.com/last-reloaded-from';
/** The Deployment controller's revision annotation on Deployments and ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
