import { describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { LOAD_RUN_LABEL, LOAD_WORKER_CONTAINER, loadWorkerConfigMap, loadWorkerJob, type LoadJobSpec } from '../../../src/targets/kubernetes/load-job.js';

const spec: LoadJobSpec = {
  name: 'vaultctl-load-0a1b2c3d', namespace: 'vaultctl-vso', runId: '0a1b2c3d', image: 'node:20-alpine', workers: 3, bundle: '"use strict";',
  activeDeadlineSeconds: 300,
  start: {
    plan: { url: 'http://demo-app.vaultctl-vso.svc.cluster.local:8080', rate: 1000, connections: 4, maxInFlight: 100, keepAlive: true,
      durationMs: 60_000, timeoutMs: 2000, request: { method: 'GET', path: '/', headers: {} }, success: { statusMin: 200, statusMax: 299 } },
    part: { index: 0, of: 3 }, startMs: 40_000, zeroEpoch: 1_795_000_000_000, layout: { binMs: 10, latencyBinMs: 100 }, flushMs: 200,
  },
};

describe('the load Job and its ConfigMap', () => {
  it('validate against the Kubernetes schemas (kubernetes-models, batch/v1 and v1)', () => {
    expect(() => new Job(loadWorkerJob(spec) as never).validate()).not.toThrow();
    expect(() => new ConfigMap(loadWorkerConfigMap(spec) as never).validate()).not.toThrow();
  });

  it('is indexed with N pods at once, never retries a worker, and ends itself if vaultctl is gone', () => {
    const job = loadWorkerJob(spec) as { metadata: { labels: Record<string, string> }; spec: Record<string, any> };
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 0,
      activeDeadlineSeconds: 300, ttlSecondsAfterFinished: 300 });
    // No maxFailedIndexes: a failed worker must not stop the others (the Job "continues execution of all of its indexes").
    expect(job.spec).not.toHaveProperty('maxFailedIndexes');
    expect(job.metadata.labels[LOAD_RUN_LABEL]).toBe('0a1b2c3d');
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0].name).toBe(LOAD_WORKER_CONTAINER);
    expect(pod.containers[0].command).toEqual(['node', '/worker/worker.cjs']);
    // The pods send to the Service's cluster DNS name: no port-forward in the load's path.
    expect(JSON.parse(pod.containers[0].env[0].value).plan.url).toBe('http://demo-app.vaultctl-vso.svc.cluster.local:8080');
    expect(pod.volumes).toEqual([{ name: 'worker', configMap: { name: 'vaultctl-load-0a1b2c3d' } }]);
  });
});
