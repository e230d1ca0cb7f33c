import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeVaultApi } from '../../../src/adapters/node-vault-api.js';
import { createKubeClient } from '../../../src/adapters/kube-client.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { KubeApi } from '../../../src/ports/kube.js';
import type { VaultApi } from '../../../src/ports/vault.js';
import { esoForceSync } from '../../../src/targets/kubernetes/delivery/eso.js';
import { KubernetesTriggers } from '../../../src/targets/kubernetes/triggers.js';
import { listLeaseIds, recordLeaseCount, RunLeaseCounter } from '../../../src/targets/kubernetes/leases.js';
import { applyRefreshInterval, applyRoleTtl, applyWorkloadShape } from '../../../src/targets/kubernetes/lab-settings.js';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { DEPLOYMENTS, EXTERNALSECRETS, NS, seedLab } from '../../support/kube-objects.js';

/**
 * The kubernetes target's rotations and lease accounting through the real adapters (node-vault,
 * client-node) against the Vault and Kubernetes API doubles.
 */
describe('kubernetes triggers and lease accounting', () => {
  let vault: VaultDouble;
  let k: KubeDouble;
  let vaultApi: VaultApi;
  let kube: KubeApi;
  let events: RunEvent[];

  beforeEach(async () => {
    [vault, k] = await Promise.all([startVaultDouble(), startKubeDouble()]);
    seedLab(k);
    vaultApi = createNodeVaultApi({ endpoint: vault.endpoint, token: vault.token });
    kube = createKubeClient({ kubeconfig: k.kubeconfig });
    events = [];
    // The lab's database engine as bootstrap configures it (stack-facts C).
    await vaultApi.write('sys/mounts/database', { type: 'database' });
    await vaultApi.write('database/config/app-db', { plugin_name: 'postgresql-database-plugin', allowed_roles: ['app', 'app2'],
      connection_url: 'postgresql://{{username}}:{{password}}@postgres:5432/app', username: 'vaultadmin', password: 'admin-secret-pw' });
    for (const role of ['app', 'app2']) {
      await vaultApi.write(`database/roles/${role}`, { db_name: 'app-db', creation_statements: ['CREATE ROLE "{{name}}";'],
        default_ttl: '1h', max_ttl: '24h' });
    }
  });
  afterEach(async () => {
    await Promise.all([vault.close(), k.close()]);
  });

  const triggers = (rotations: string[] = []) => new KubernetesTriggers(
    { kube, vault: vaultApi, forceSync: esoForceSync(kube, NS, 'demo-app-db'), mount: 'database', role: 'app', connection: 'app-db' },
    { events: { emit: (e) => events.push(e) }, now: () => 42, wallClock: () => new Date('2026-11-22T10:00:00Z'),
      onRotation: (t) => rotations.push(t) });

  it('force-sync annotates the ExternalSecret with the unix time through a merge patch', async () => {
    const seen: string[] = [];
    await triggers(seen).forceSync();
    const patch = k.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.path).toBe(`${EXTERNALSECRETS}/demo-app-db`);
    expect(patch.contentType).toBe('application/merge-patch+json');
    expect(patch.body).toEqual({ metadata: { annotations: { 'force-sync': '1795341600' } } });
    expect(events).toEqual([{ t: 42, type: 'rotation_triggered', trigger: 'force-sync' }]);
    expect(seen).toEqual(['force-sync']);
  });

  it('revoke drops every lease of the role (only that role) and records each one', async () => {
    for (let i = 0; i < 3; i++) await vaultApi.read('database/creds/app');
    await vaultApi.read('database/creds/app2');
    const before = await listLeaseIds(vaultApi, 'database', 'app');
    expect(before).toHaveLength(3);
    expect(before.every((id) => id.startsWith('database/creds/app/'))).toBe(true);

    const revoked = await triggers().revoke();
    expect(revoked.sort()).toEqual(before.sort());
    expect(vault.calls()).toContain('POST sys/leases/revoke-prefix/database/creds/app');
    expect(vault.requests.find((r) => r.path.startsWith('sys/leases/revoke-prefix/'))?.body).toEqual({ sync: true });
    expect(await listLeaseIds(vaultApi, 'database', 'app')).toEqual([]);
    expect(await listLeaseIds(vaultApi, 'database', 'app2')).toHaveLength(1);
    expect(events[0]).toEqual({ t: 42, type: 'rotation_triggered', trigger: 'revoke' });
    expect(events.slice(1).map((e) => e.type === 'lease_revoked' && e.reason)).toEqual(['revoke', 'revoke', 'revoke']);
    // LIST goes out as GET ?list=1 (node-vault noCustomHTTPVerbs).
    const list = vault.requests.find((r) => r.path.startsWith('sys/leases/lookup/'))!;
    expect([list.method, list.path, list.query.get('list')]).toEqual(['GET', 'sys/leases/lookup/database/creds/app/', '1']);
  });

  it('rotate-root posts to <mount>/rotate-root/<connection>', async () => {
    await triggers().rotateRoot();
    expect(vault.state.rootRotations).toEqual(['database/app-db']);
    expect(events).toEqual([{ t: 42, type: 'rotation_triggered', trigger: 'rotate-root' }]);
  });

  it('counts leases before and after, and the analysis takes the after count as outstanding', async () => {
    // A fresh lab: every lease is the run's (a lab with older leases: lease-count.test.ts).
    const sink = { emit: (e: RunEvent) => events.push(e) };
    const { counter } = await RunLeaseCounter.start(vaultApi, { mount: 'database', role: 'app', wallClock: () => new Date() });
    expect(await recordLeaseCount(counter, { phase: 'before', events: sink, now: () => 1 })).toEqual({ run: 0, preExisting: 0 });
    for (let i = 0; i < 4; i++) await vaultApi.read('database/creds/app');
    expect(await recordLeaseCount(counter, { phase: 'after', events: sink, now: () => 9 })).toEqual({ run: 4, preExisting: 0 });
    expect(events).toEqual([
      { t: 1, type: 'leases_counted', phase: 'before', count: 0, preExisting: 0 },
      { t: 9, type: 'leases_counted', phase: 'after', count: 4, preExisting: 0 },
    ]);
    const analysis = analyzeRun({ events, timeline: new TimelineRecorder({ binMs: 10, expectedDurationMs: 1000 }).toData(),
      settleMs: 0, measureFromMs: 0, measureToMs: 10 });
    expect(analysis.leases).toEqual({ issued: 0, expired: 0, revoked: 0, outstanding: 4, preExisting: 0 });
  });

  it('applies the scenario\'s role TTLs, refresh interval and replicas, and restores them', async () => {
    const restoreTtl = await applyRoleTtl(vaultApi, { mount: 'database', role: 'app', defaultTtlMs: 20_000, maxTtlMs: 20_000 });
    expect((await vaultApi.read('database/roles/app')).data).toMatchObject({ default_ttl: 20, max_ttl: 20, db_name: 'app-db',
      creation_statements: ['CREATE ROLE "{{name}}";'] });
    await restoreTtl!();
    expect((await vaultApi.read('database/roles/app')).data).toMatchObject({ default_ttl: 3600, max_ttl: 86_400 });
    expect(await applyRoleTtl(vaultApi, { mount: 'database', role: 'app', defaultTtlMs: 3_600_000, maxTtlMs: 86_400_000 })).toBeUndefined();

    const restoreInterval = await applyRefreshInterval(kube, { namespace: NS, name: 'demo-app-db', intervalMs: 30_000 });
    expect(k.get(EXTERNALSECRETS, 'demo-app-db')?.spec.refreshInterval).toBe('30s');
    await restoreInterval!();
    expect(k.get(EXTERNALSECRETS, 'demo-app-db')?.spec.refreshInterval).toBe('1m');

    const restoreShape = await applyWorkloadShape(kube, { namespace: NS, name: 'demo-app', replicas: 1, maxSurge: 1, maxUnavailable: 0 });
    expect(k.get(DEPLOYMENTS, 'demo-app')?.spec.replicas).toBe(1);
    await restoreShape!();
    expect(k.get(DEPLOYMENTS, 'demo-app')?.spec.replicas).toBe(3);
  });
});
