import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../../src/adapters/kube-client.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { RolloutTracker } from '../../../src/targets/kubernetes/rollout-tracker.js';
import { esoSyncSource } from '../../../src/targets/kubernetes/delivery/eso.js';
import { startClusterWatch, type ClusterWatch } from '../../../src/targets/kubernetes/watcher.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { DEPLOYMENTS, EXTERNALSECRETS, NS, PODS, REPLICASETS, SECRETS, externalSecret, playRollout, secret, seedLab } from '../../support/kube-objects.js';

/**
 * The cluster watcher over the real client-node Watch, against the Kubernetes API double: a
 * scripted rolling update arrives through three watch streams and becomes the run's events.
 */
describe('startClusterWatch against the Kubernetes API double', () => {
  let k: KubeDouble;
  let watch: ClusterWatch | undefined;
  let events: RunEvent[];
  let tracker: RolloutTracker;
  const abort = new AbortController();
  const t0 = Date.now();

  beforeEach(async () => {
    k = await startKubeDouble();
    seedLab(k);
    events = [];
    tracker = new RolloutTracker();
  });
  afterEach(async () => {
    await watch?.stop();
    watch = undefined;
    await k.close();
  });

  const start = async () => {
    const kube = createKubeClient({ kubeconfig: k.kubeconfig });
    watch = await startClusterWatch({
      kube, namespace: NS, deployment: 'demo-app',
      labelSelector: 'app.kubernetes.io/name=demo-app', sync: esoSyncSource(kube, NS, 'demo-app-db', 'demo-app-db'),
      tracker, events: { emit: (e) => events.push(e) }, now: () => Date.now() - t0, signal: abort.signal,
      log: () => {}, backoff: { initialMs: 20, maxMs: 200 }, syncPollMs: 20,
    });
  };
  const types = () => events.map((e) => e.type);
  const settle = () => new Promise<void>((r) => setTimeout(r, 40));

  it('turns a scripted rolling update into rollout, replica and secret events', async () => {
    await start();
    // Baseline: the three running pods, nothing rolling.
    await until(() => events.filter((e) => e.type === 'replica_ready').length === 3);
    expect(tracker.inProgress()).toEqual([]);

    tracker.apply({ t: Date.now() - t0, type: 'ROTATION', trigger: 'force-sync' });
    k.put(SECRETS, secret());
    k.put(EXTERNALSECRETS, externalSecret('2026-11-22T10:05:00Z'));
    await until(() => types().includes('secret_synced'));
    await playRollout(k, 2, settle);
    await until(() => types().includes('rollout_completed'));

    const started = events.find((e) => e.type === 'rollout_started');
    expect(started).toMatchObject({ revision: 2, trigger: 'force-sync', replicas: 3 });
    const synced = events.find((e) => e.type === 'secret_synced');
    expect(synced).toMatchObject({ resourceVersion: expect.stringMatching(/^\d+$/) });
    expect(synced!.t).toBeLessThanOrEqual(started!.t);
    const byType = (t: string) => events.filter((e) => e.type === t).map((e) => ('replica' in e ? e.replica : ''));
    expect(byType('replica_ready').slice(3)).toEqual(['demo-app-r2-1', 'demo-app-r2-2', 'demo-app-r2-3']);
    expect(byType('replica_terminating')).toEqual(['demo-app-r1-1', 'demo-app-r1-2', 'demo-app-r1-3']);
    expect(byType('replica_exited')).toEqual(['demo-app-r1-1', 'demo-app-r1-2', 'demo-app-r1-3']);
    // Completion comes after the last old pod is gone.
    const completed = events.find((e) => e.type === 'rollout_completed')!;
    const lastExit = events.filter((e) => e.type === 'replica_exited').at(-1)!;
    expect(completed.t).toBeGreaterThanOrEqual(lastExit.t);
    expect(tracker.counts()).toEqual({ ready: 3, old: 0, new: 3, terminating: 0 });
  });

  it('restarts watches the server closes mid-rollout, without phantom rollouts or lost deletions', async () => {
    await start();
    await until(() => events.filter((e) => e.type === 'replica_ready').length === 3);
    await playRollout(k, 2, async (step) => {
      await settle();
      if (step === 4) {
        // The server ends every watch; the old pod 1 is deleted while no watch is open.
        for (const c of [DEPLOYMENTS, REPLICASETS, PODS]) expect(k.closeWatches(c)).toBeGreaterThan(0);
        k.remove(PODS, 'demo-app-r1-1');
        k.put(PODS, { ...k.get(PODS, 'demo-app-r1-2')! });
      }
    });
    await until(() => types().includes('rollout_completed'));
    expect(watch!.restarts()).toBeGreaterThanOrEqual(3);
    for (const c of [DEPLOYMENTS, REPLICASETS, PODS]) expect(k.watchesOpened(c)).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.type === 'rollout_started')).toHaveLength(1);
    const exited = events.filter((e) => e.type === 'replica_exited').map((e) => ('replica' in e ? e.replica : ''));
    expect(exited.sort()).toEqual(['demo-app-r1-1', 'demo-app-r1-2', 'demo-app-r1-3']);
    // After a restart the watch resumes from the list's resourceVersion (no full replay).
    const rewatch = k.requests.filter((r) => r.path === PODS && r.query.get('watch') === 'true').at(-1)!;
    expect(rewatch.query.get('resourceVersion')).toMatch(/^\d+$/);
  });
});

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
