import type { WorkerStart } from '../../load/worker-protocol.js';

/*
 * Issue 13: load workers on the cluster, as k6-operator runs its test: one indexed Job in the
 * demo app's namespace whose N pods each send their share of the schedule to the Service's cluster
 * DNS name (real kube-proxy, no port-forward) and print their binned outcomes, which vaultctl reads
 * by following the pods' logs. The worker is the bundle of src/load-worker/main.ts in a ConfigMap,
 * run on the app's stock node image, like the demo app. Field semantics: Kubernetes docs "Jobs"
 * (https://kubernetes.io/docs/concepts/workloads/controllers/job/), batch/v1 JobSpec.
 */

/** The label every load object of a run carries, with the run's id: what cleanup and the next run's reaper select. */
export const LOAD_RUN_LABEL = 'vaultctl.dev/load-run';
/** The container's name in every worker pod (the log followed). */
export const LOAD_WORKER_CONTAINER = 'load-worker';

/** What the Job of one run is made of. */
export interface LoadJobSpec {
  /** `vaultctl-load-<run id>`: the Job and its ConfigMap. */
  name: string;
  namespace: string;
  runId: string;
  image: string;
  workers: number;
  /** The worker bundle (dist/load-worker/bundle.cjs). */
  bundle: string;
  /** The start every worker gets; its part index comes from the Job's completion index. */
  start: WorkerStart;
  /** The Job ends itself after this (the load, its lead and a margin), should vaultctl be gone. */
  activeDeadlineSeconds: number;
}

const labelsOf = (s: LoadJobSpec): Record<string, string> => ({
  'app.kubernetes.io/name': 'vaultctl-load', 'app.kubernetes.io/part-of': 'vaultctl', 'app.kubernetes.io/managed-by': 'vaultctl',
  [LOAD_RUN_LABEL]: s.runId,
});

/** The ConfigMap holding the worker bundle. */
export function loadWorkerConfigMap(s: LoadJobSpec): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: s.name, namespace: s.namespace, labels: labelsOf(s) }, data: { 'worker.cjs': s.bundle } };
}

/**
 * The indexed Job: `completions` = `parallelism` = N, so all N pods run at once, each with its
 * completion index in `JOB_COMPLETION_INDEX` (the indexed-Job env var) as its share. A failed
 * worker is never retried (`backoffLimitPerIndex: 0`: a retry would send its share twice) and does
 * not stop the others (no `maxFailedIndexes`: the Job "continues execution of all of its indexes");
 * vaultctl counts it as lost. `ttlSecondsAfterFinished` removes a finished Job even if vaultctl was
 * killed before deleting it; `activeDeadlineSeconds` ends one still running.
 */
export function loadWorkerJob(s: LoadJobSpec): Record<string, unknown> {
  const labels = labelsOf(s);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: s.name, namespace: s.namespace, labels },
    spec: {
      completionMode: 'Indexed',
      completions: s.workers,
      parallelism: s.workers,
      backoffLimitPerIndex: 0,
      activeDeadlineSeconds: s.activeDeadlineSeconds,
      ttlSecondsAfterFinished: 300,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          containers: [{
            name: LOAD_WORKER_CONTAINER,
            image: s.image,
            command: ['node', '/worker/worker.cjs'],
            env: [{ name: 'VAULTCTL_WORKER_START', value: JSON.stringify(s.start) }],
            volumeMounts: [{ name: 'worker', mountPath: '/worker', readOnly: true }],
          }],
          volumes: [{ name: 'worker', configMap: { name: s.name } }],
        },
      },
    },
  };
}
