import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../../src/adapters/kube-client.js';
import { KubeApiError, type KubeApi } from '../../../src/ports/kube.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { DEPLOYMENTS, EXTERNALSECRETS, NS, PODS, pod, seedLab } from '../../support/kube-objects.js';

/** The client-node adapter against the Kubernetes API double: paths, content types, JSON shapes. */
describe('createKubeClient (client-node 1.4.0) against the Kubernetes API double', () => {
  let k: KubeDouble;
  let api: KubeApi;

  beforeEach(async () => {
    k = await startKubeDouble();
    seedLab(k);
    api = createKubeClient({ kubeconfig: k.kubeconfig });
  });
  afterEach(async () => {
    await k.close();
  });

  it('reads and lists the demo app as plain JSON (dates stay strings)', async () => {
    const d = await api.readDeployment(NS, 'demo-app');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.spec?.template?.metadata?.annotations?.['wave.pusher.com/config-hash']).toBe('h1');
    const pods = await api.listPods(NS, 'app.kubernetes.io/name=demo-app');
    expect(pods.items.map((p) => p.metadata.name)).toEqual(['demo-app-r1-1', 'demo-app-r1-2', 'demo-app-r1-3']);
    expect(pods.resourceVersion).toMatch(/^\d+$/);
    const list = k.requests.find((r) => r.path === `/api/v1/namespaces/${NS}/pods`)!;
    expect(list.query.get('labelSelector')).toBe('app.kubernetes.io/name=demo-app');
    k.put(PODS, pod('demo-app-r1-4', 'demo-app-r1', 'h1', true, true));
    const terminating = (await api.listPods(NS)).items.find((p) => p.metadata.name === 'demo-app-r1-4')!;
    expect(typeof terminating.metadata.deletionTimestamp).toBe('string');
  });

  it('merge-patches the ExternalSecret annotation with Content-Type application/merge-patch+json', async () => {
    await api.patchExternalSecret(NS, 'demo-app-db', { metadata: { annotations: { 'force-sync': '1790000000' } } });
    const patch = k.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.path).toBe(`${EXTERNALSECRETS}/demo-app-db`);
    expect(patch.contentType).toBe('application/merge-patch+json');
    expect(patch.body).toEqual({ metadata: { annotations: { 'force-sync': '1790000000' } } });
    const es = await api.readExternalSecret(NS, 'demo-app-db');
    expect(es.metadata.annotations?.['force-sync']).toBe('1790000000');
    expect(es.status?.refreshTime).toBe('2026-11-22T10:00:00Z');
  });

  it('merge-patches a Deployment (not client-node\'s default JSON-Patch)', async () => {
    const d = await api.patchDeployment(NS, 'demo-app', { spec: { replicas: 1 } });
    expect(d.spec?.replicas).toBe(1);
    expect(k.requests.find((r) => r.method === 'PATCH')?.contentType).toBe('application/merge-patch+json');
    expect(k.get(DEPLOYMENTS, 'demo-app')?.metadata.generation).toBe(2);
  });

  it('reads only the Secret\'s resourceVersion; a missing Secret is undefined; other failures are KubeApiError', async () => {
    expect(await api.readSecretResourceVersion(NS, 'demo-app-db')).toMatch(/^\d+$/);
    expect(await api.readSecretResourceVersion(NS, 'nope')).toBeUndefined();
    const err = await api.readDeployment(NS, 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).status).toBe(404);
    expect((err as KubeApiError).message).toContain('"nope" not found');
  });

  it('streams watch events and reports a server close as a clean end', async () => {
    const seen: string[] = [];
    const w = await api.watch(PODS, { labelSelector: 'app.kubernetes.io/name=demo-app' }, (type, obj) =>
      seen.push(`${type} ${(obj as { metadata: { name: string } }).metadata.name}`));
    await until(() => seen.length === 3);
    k.put(PODS, pod('demo-app-r1-1', 'demo-app-r1', 'h1', false));
    await until(() => seen.length === 4);
    expect(seen).toEqual(['ADDED demo-app-r1-1', 'ADDED demo-app-r1-2', 'ADDED demo-app-r1-3', 'MODIFIED demo-app-r1-1']);
    expect(k.closeWatches(PODS)).toBe(1);
    expect(await w.ended).toBeNull();
    w.stop();
  });
});

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
