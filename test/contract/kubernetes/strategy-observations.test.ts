import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../../src/adapters/kube-client.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { KubeApi } from '../../../src/ports/kube.js';
import { VSO_RESTARTED_AT } from '../../../src/stack/strategies/vso-names.js';
import { AGENT_INJECT_STATUS, AGENT_SIDECAR } from '../../../src/stack/strategies/agent-template.js';
import { RolloutTracker } from '../../../src/targets/kubernetes/rollout-tracker.js';
import { VDS_KIND, VSO_FORCE_SYNC_LABEL, vsoForceSync, vsoSyncSource } from '../../../src/targets/kubernetes/delivery/vso.js';
import { startInjectorCheck } from '../../../src/targets/kubernetes/delivery/injector-check.js';
import { startClusterWatch, type ClusterWatch } from '../../../src/targets/kubernetes/watcher.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { collections, playRollout, pod, seedApp, type AppPlace } from '../../support/kube-objects.js';

/**
 * What the kubernetes target observes of the strategies without ESO, through the real client-node
 * adapter against the Kubernetes API double. The double plays each controller as its source says
 * it acts: VSO (hashicorp/vault-secrets-operator@v1.4.1) records the lease in the VaultDynamicSecret's
 * status and rolls the Deployment by patching `restartedAt` into its pod template; the Vault Agent
 * injector (hashicorp/vault-k8s@v1.7.6) marks the pods it mutated and adds the vault-agent sidecar.
 */
const VSO_NS = 'vaultctl-vso';
const VDS_PATH = `/apis/${VDS_KIND.group}/${VDS_KIND.version}/namespaces/${VSO_NS}/${VDS_KIND.plural}`;
const vso: AppPlace = { ns: VSO_NS, hashKey: VSO_RESTARTED_AT };
const SELECTOR = 'app.kubernetes.io/name=demo-app';

/** A VaultDynamicSecret as the API server returns it once VSO synced (status fields: api/v1beta1/vaultdynamicsecret_types.go). */
function vds(status: { leaseId: string; duration: number; renewedAt: number }, generation = 1) {
  return {
    apiVersion: 'secrets.hashicorp.com/v1beta1', kind: 'VaultDynamicSecret',
    metadata: { name: 'demo-app-db', namespace: VSO_NS, generation },
    spec: { vaultAuthRef: 'demo-app', mount: 'database', path: 'creds/app-vso', revoke: true,
      destination: { name: 'demo-app-db', create: true }, rolloutRestartTargets: [{ kind: 'Deployment', name: 'demo-app' }] },
    status: { lastGeneration: generation, lastRenewalTime: status.renewedAt,
      secretLease: { id: status.leaseId, duration: status.duration, renewable: true, requestID: 'r' } },
  };
}

describe('observing the lab strategies against the Kubernetes API double', () => {
  let k: KubeDouble;
  let kube: KubeApi;
  let events: RunEvent[];
  let stops: (() => Promise<void>)[];
  const abort = new AbortController();
  const t0 = Date.now();
  const now = () => Date.now() - t0;
  const of = (type: string) => events.filter((e) => e.type === type);

  beforeEach(async () => {
    k = await startKubeDouble();
    kube = createKubeClient({ kubeconfig: k.kubeconfig });
    events = [];
    stops = [];
  });
  afterEach(async () => {
    for (const stop of stops) await stop();
    await k.close();
  });

  async function watchVso(): Promise<{ watch: ClusterWatch; tracker: RolloutTracker }> {
    const tracker = new RolloutTracker({ hashAnnotations: [VSO_RESTARTED_AT] });
    const watch = await startClusterWatch({
      kube, namespace: VSO_NS, deployment: 'demo-app', labelSelector: SELECTOR,
      sync: vsoSyncSource(kube, { namespace: VSO_NS, name: 'demo-app-db', secret: 'demo-app-db', defaultTtlMs: 10_000 }),
      tracker, events: { emit: (e) => events.push(e) }, now, signal: abort.signal, log: () => {},
      backoff: { initialMs: 20, maxMs: 200 }, syncPollMs: 20,
    });
    stops.push(() => watch.stop());
    return { watch, tracker };
  }

  it('vso: renewals and new leases from the VDS status; the restartedAt patch is one rollout, paired with its ReplicaSet', async () => {
    seedApp(k, vso);
    k.put(VDS_PATH, vds({ leaseId: 'database/creds/app-vso/L1', duration: 10, renewedAt: 1000 }));
    k.put(collections(VSO_NS).secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo-app-db', namespace: VSO_NS }, data: {} });
    const { tracker } = await watchVso();
    await until(() => of('replica_ready').length === 3);
    // The baseline lease is not reported as new.
    expect(of('credentials_issued')).toEqual([]);

    // A renewal to the full TTL, then one max_ttl truncated (VSO then reads new credentials: L292-409).
    k.put(VDS_PATH, vds({ leaseId: 'database/creds/app-vso/L1', duration: 10, renewedAt: 1007 }));
    await until(() => of('lease_renewed').length === 1);
    k.put(VDS_PATH, vds({ leaseId: 'database/creds/app-vso/L1', duration: 4, renewedAt: 1014 }));
    await until(() => of('lease_renewed').length === 2);
    expect(of('lease_renewed')).toEqual([
      expect.objectContaining({ leaseId: 'database/creds/app-vso/L1', ttlMs: 10_000, capped: false }),
      expect.objectContaining({ leaseId: 'database/creds/app-vso/L1', ttlMs: 4000, capped: true }),
    ]);

    // VSO's sync: new lease in the status, the Secret rewritten, restartedAt on the template.
    k.put(VDS_PATH, vds({ leaseId: 'database/creds/app-vso/L2', duration: 10, renewedAt: 1014 }));
    k.put(collections(VSO_NS).secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo-app-db', namespace: VSO_NS }, data: { x: 'eQ==' } });
    await until(() => of('credentials_issued').length === 1 && of('secret_synced').length === 1);
    await playRollout(k, 2, settle, vso);
    await until(() => of('rollout_completed').length === 1);

    expect(of('credentials_issued')).toEqual([expect.objectContaining({ leaseId: 'database/creds/app-vso/L2', ttlMs: 10_000, issuer: 'vso' })]);
    // One rollout: the template's restartedAt and the new ReplicaSet carrying it are the same one.
    expect(of('rollout_started')).toEqual([expect.objectContaining({ revision: 2, trigger: 'refresh', replicas: 3 })]);
    expect(tracker.counts()).toEqual({ ready: 3, old: 0, new: 3, terminating: 0 });
  });

  it('vso: the rollout starts at the restartedAt template change only when the tracker keys on VSO\'s annotation', () => {
    // Keyed on Wave's hash, the template change is invisible until a ReplicaSet with a new revision appears.
    const withWave = new RolloutTracker();
    const withVso = new RolloutTracker({ hashAnnotations: [VSO_RESTARTED_AT] });
    const d = (h: string, rev: number) => ({
      metadata: { name: 'demo-app', generation: rev, annotations: { 'deployment.kubernetes.io/revision': String(rev) } },
      spec: { replicas: 1, template: { metadata: { annotations: { [VSO_RESTARTED_AT]: h } } } },
      status: { observedGeneration: rev - 1, replicas: 1, updatedReplicas: 0, availableReplicas: 1 },
    });
    for (const tr of [withWave, withVso]) tr.apply({ t: 0, kind: 'Deployment', type: 'ADDED', object: d('2026-11-30T10:00:00Z', 1) });
    const started = (tr: RolloutTracker) => tr.apply({ t: 1, kind: 'Deployment', type: 'MODIFIED', object: { ...d('2026-11-30T10:05:00Z', 1) } })
      .filter((e) => e.type === 'rollout_started');
    // Only the tracker that knows VSO's annotation sees the template change before any ReplicaSet exists.
    expect(started(withVso)).toHaveLength(1);
    expect(started(withWave)).toHaveLength(0);
  });

  it('vso: a forced sync is a spec change (new generation), stamped on the destination labels through a merge patch', async () => {
    k.put(VDS_PATH, vds({ leaseId: 'database/creds/app-vso/L1', duration: 10, renewedAt: 1000 }));
    await vsoForceSync(kube, VSO_NS, 'demo-app-db')('1795341600');
    const patch = k.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.contentType).toBe('application/merge-patch+json');
    expect(patch.body).toEqual({ spec: { destination: { labels: { [VSO_FORCE_SYNC_LABEL]: '1795341600' } } } });
    const after = k.get(VDS_PATH, 'demo-app-db')!;
    // VSO syncs when generation != status.lastGeneration (controllers/vaultdynamicsecret_controller.go L162-186).
    expect(after.metadata.generation).toBe(2);
    expect(after.status.lastGeneration).toBe(1);
    expect(after.spec.destination).toEqual({ name: 'demo-app-db', create: true, labels: { [VSO_FORCE_SYNC_LABEL]: '1795341600' } });
  });

  it('agent-template: pods the injector mutated pass; one it missed (webhook down, failurePolicy Ignore) is a warning, once', async () => {
    const ns = 'vaultctl-agent-template';
    const injected: AppPlace = {
      ns, extraPod: (p) => {
        p.metadata.annotations[AGENT_INJECT_STATUS] = 'injected';
        p.spec.containers.push({ name: AGENT_SIDECAR });
      },
    };
    seedApp(k, injected);
    const check = await startInjectorCheck({ kube, namespace: ns, labelSelector: SELECTOR, events: { emit: (e) => events.push(e) }, now, signal: abort.signal, log: () => {} });
    stops.push(() => check.stop());
    const pods = collections(ns).pods;
    k.put(pods, pod('demo-app-r1-4', 'demo-app-r1', 'h1', false, false, { ns }));
    await until(() => of('warning').length === 1);
    k.put(pods, pod('demo-app-r1-4', 'demo-app-r1', 'h1', true, false, { ns }));
    k.put(pods, pod('demo-app-r1-5', 'demo-app-r1', 'h1', true, false, injected));
    await settle();
    await settle();
    expect(of('warning')).toEqual([expect.objectContaining({ message: expect.stringMatching(/^pod demo-app-r1-4 runs without the Vault agent \(no vault-agent container\)/) })]);
  });
});

const settle = () => new Promise<void>((r) => setTimeout(r, 40));

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
