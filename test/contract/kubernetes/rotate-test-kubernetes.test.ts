import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { rotateTest } from '../../../src/app/rotate-test.js';
import { createNodeVaultApi } from '../../../src/adapters/node-vault-api.js';
import { exitCodeOf, PrerequisiteError } from '../../../src/errors/errors.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { createTestRuntime } from '../../support/test-runtime.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { kubeLabDeps, writeLabState as writeLab } from '../../support/kube-lab-harness.js';
import { playLoadJobs } from '../../support/job-player.js';
import { seedIdleLeases } from '../../support/vault-double-leases.js';
import { EXTERNALSECRETS, SECRETS, playRollout, secret, seedLab } from '../../support/kube-objects.js';

const SCENARIO = `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: k8s-double}
target: kubernetes
delivery: {refreshInterval: 30m}
workload: {replicas: 3, maxSurge: 1, maxUnavailable: 0}
load: {rate: 100, connections: 2, duration: 4s, timeout: 1s, workers: 0}
rotations: {at: [1s]}
thresholds: [rollout.failure_rate == 0, leases.outstanding < 10]
`;

/**
 * `vaultctl rotate-test` on a kubernetes scenario, end to end through the real adapters
 * (client-node, node-vault, autocannon) against doubles: the Kubernetes API double stands in for
 * the cluster, the test plays ESO + Wave (a force-sync annotation → a new Secret → a rolling
 * update), the Vault double holds the lab's database engine, and kubectl is a scripted runner.
 */
describe('rotate-test with target: kubernetes against API doubles', () => {
  let dir: string;
  let vault: VaultDouble;
  let k: KubeDouble;
  let app: Server;
  let appPort: number;
  let stopEso = () => {};

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vaultctl-k8s-run-'));
    [vault, k] = await Promise.all([startVaultDouble(), startKubeDouble()]);
    seedLab(k);
    app = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appPort = (app.address() as AddressInfo).port;
    const api = createNodeVaultApi({ endpoint: vault.endpoint, token: vault.token });
    await api.write('sys/mounts/database', { type: 'database' });
    await api.write('database/config/app-db', { plugin_name: 'postgresql-database-plugin', allowed_roles: ['app'] });
    await api.write('database/roles/app', { db_name: 'app-db', creation_statements: ['CREATE ROLE "{{name}}";'], default_ttl: '1h', max_ttl: '24h' });
  });
  afterEach(async () => {
    stopEso();
    await new Promise<void>((r) => { app.closeAllConnections(); app.close(() => r()); });
    await Promise.all([vault.close(), k.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const deps = () => kubeLabDeps({ vault, k, appPort });
  const writeLabState = () => writeLab(dir);

  /** ESO + Wave: a new force-sync annotation writes a new Secret and rolls the Deployment (`onSync`: ESO's Vault read). */
  function playEsoAndWave(onSync?: () => Promise<unknown>): void {
    let handled = 0;
    let rev = 1;
    const timer = setInterval(() => {
      const syncs = k.requests.filter((r) => r.method === 'PATCH' && r.path === `${EXTERNALSECRETS}/demo-app-db` &&
        JSON.stringify(r.body).includes('force-sync'));
      if (syncs.length <= handled) return;
      handled = syncs.length;
      void onSync?.();
      k.put(SECRETS, secret());
      const es = k.get(EXTERNALSECRETS, 'demo-app-db')!;
      k.put(EXTERNALSECRETS, { ...es, status: { ...es.status, refreshTime: new Date().toISOString() } });
      void playRollout(k, ++rev, () => new Promise((r) => setTimeout(r, 60)));
    }, 20);
    stopEso = () => clearInterval(timer);
  }

  it('measures the force-synced rollout with the shared recorder, analysis and thresholds', async () => {
    const env = await writeLabState();
    const rt = createTestRuntime({ cwd: dir, env });
    await writeFile(join(dir, 'k8s.yaml'), SCENARIO);
    playEsoAndWave();
    await rotateTest(rt, deps(), { files: ['k8s.yaml'], out: 'out', quiet: false });

    const events = (await readFile(join(dir, 'out', 'events.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    const types = events.map((e) => e.type);
    expect(types).toContain('secret_synced');
    expect(events.find((e) => e.type === 'rotation_triggered')).toMatchObject({ trigger: 'force-sync' });
    expect(events.find((e) => e.type === 'rollout_started')).toMatchObject({ revision: 2, trigger: 'force-sync', replicas: 3 });
    expect(events.filter((e) => e.type === 'leases_counted').map((e) => e.type === 'leases_counted' && e.phase)).toEqual(['before', 'after']);
    const run = JSON.parse(await readFile(join(dir, 'out', 'run.json'), 'utf8')) as {
      status: string; analysis: { rollouts: { trigger: string; completed: boolean; requests: number; failures: number }[] };
      verdict: { pass: boolean } };
    expect(run.status).toBe('completed');
    expect(run.analysis.rollouts).toEqual([expect.objectContaining({ trigger: 'force-sync', completed: true, failures: 0 })]);
    expect(run.analysis.rollouts[0].requests).toBeGreaterThan(0);
    expect(rt.out()).toContain('force-sync');
    // ESO's refreshInterval was the scenario's for the run, and the lab's again afterwards.
    expect(k.requests.filter((r) => r.method === 'PATCH').map((r) => JSON.stringify(r.body))).toContain('{"spec":{"refreshInterval":"30m"}}');
    expect(k.get(EXTERNALSECRETS, 'demo-app-db')?.spec.refreshInterval).toBe('1m');
    expect(rt.err()).not.toContain(vault.token);
  }, 60_000);

  it('on a lab up for an hour (60 idle ESO leases) leases.outstanding counts only the run\'s leases and passes', async () => {
    seedIdleLeases(vault.state, { mount: 'database', role: 'app', count: 60, everyMs: 60_000, newestAgoMs: 30_000, ttlMs: 3_600_000 });
    const env = await writeLabState();
    const rt = createTestRuntime({ cwd: dir, env });
    await writeFile(join(dir, 'k8s.yaml'), SCENARIO);
    const api = createNodeVaultApi({ endpoint: vault.endpoint, token: vault.token });
    playEsoAndWave(() => api.read('database/creds/app'));
    await rotateTest(rt, deps(), { files: ['k8s.yaml'], out: 'out', quiet: false });

    const events = (await readFile(join(dir, 'out', 'events.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    expect(events.filter((e) => e.type === 'leases_counted')).toEqual([
      expect.objectContaining({ phase: 'before', count: 0, preExisting: 60 }),
      expect.objectContaining({ phase: 'after', count: 1, preExisting: 60 }),
    ]);
    const run = JSON.parse(await readFile(join(dir, 'out', 'run.json'), 'utf8')) as {
      analysis: { leases: Record<string, number> }; verdict: { pass: boolean } };
    expect(run.analysis.leases).toMatchObject({ outstanding: 1, preExisting: 60 });
    expect(run.verdict.pass).toBe(true);
    expect(rt.out()).toContain('1 outstanding (the run\'s; 60 more from before the run, not counted)');
  }, 60_000);

  it('a trigger Vault refuses is a rotation_failed event with its trigger and a progress line', async () => {
    const env = await writeLabState();
    const rt = createTestRuntime({ cwd: dir, env });
    // rotate-root needs the lab's connection; without it Vault answers 400.
    vault.state.configs.delete('database/app-db');
    await writeFile(join(dir, 'k8s.yaml'), SCENARIO.replace('rotations: {at: [1s]}', 'rotations: {rotateRoot: [1s]}'));
    await rotateTest(rt, deps(), { files: ['k8s.yaml'], out: 'out', quiet: false }).catch(() => undefined);

    const events = (await readFile(join(dir, 'out', 'events.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    const failed = events.filter((e) => e.type === 'rotation_failed');
    expect(failed).toEqual([expect.objectContaining({ trigger: 'rotate-root', message: expect.stringContaining('no configuration found') })]);
    expect(rt.err()).toMatch(/! rotation at 1\.\ds \(rotate-root\) failed: .*no configuration found/);
    expect(rt.err()).not.toContain(vault.token);
  }, 60_000);

  it('load.workers: the load is sent by an indexed Job in the app\'s namespace, to the Service\'s cluster name, merged from the pods\' logs', async () => {
    const env = await writeLabState();
    const rt = createTestRuntime({ cwd: dir, env });
    await writeFile(join(dir, 'k8s.yaml'), SCENARIO.replace('workers: 0}', 'workers: 2}'));
    playEsoAndWave();
    const jobs = playLoadJobs(k, { url: `http://127.0.0.1:${appPort}` });
    try {
      await rotateTest(rt, kubeLabDeps({ vault, k, appPort, loadJobLeadMs: 1500 }), { files: ['k8s.yaml'], out: 'out', quiet: false });
    } finally {
      jobs.stop();
    }
    const run = JSON.parse(await readFile(join(dir, 'out', 'run.json'), 'utf8')) as {
      load: { workers: number; scheduled: number; sent: number }; analysis: { rollouts: { trigger: string; requests: number }[] } };
    expect(run.load).toMatchObject({ workers: 2, scheduled: 400 });
    expect(run.analysis.rollouts).toEqual([expect.objectContaining({ trigger: 'force-sync' })]);
    expect(run.analysis.rollouts[0].requests).toBeGreaterThan(0);
    // One Job of 2 pods in the app's namespace, sending to the Service's cluster DNS name; gone after the run.
    expect(jobs.jobs).toHaveLength(1);
    const job = jobs.jobs[0];
    expect(job.metadata.namespace).toBe('vaultctl-demo');
    const start = JSON.parse(job.spec.template.spec.containers[0].env[0].value) as { plan: { url: string } };
    expect(start.plan.url).toBe('http://demo-app.vaultctl-demo.svc.cluster.local:8080');
    expect(k.get('/apis/batch/v1/namespaces/vaultctl-demo/jobs', job.metadata.name)).toBeUndefined();
    expect(k.get('/api/v1/namespaces/vaultctl-demo/configmaps', job.metadata.name)).toBeUndefined();
    expect(rt.err()).toMatch(/load Job vaultctl-load-[0-9a-f]{8}: 2 pods send to http:\/\/demo-app\.vaultctl-demo\.svc\.cluster\.local:8080/);
  }, 60_000);

  it('without a lab it is a missing prerequisite (exit 3) pointing at `vaultctl bootstrap`', async () => {
    const rt = createTestRuntime({ cwd: dir, env: { VAULTCTL_STATE_DIR: join(dir, 'nothing-here') } });
    await writeFile(join(dir, 'k8s.yaml'), SCENARIO);
    const err = await rotateTest(rt, deps(), { files: ['k8s.yaml'], out: 'out', quiet: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrerequisiteError);
    expect(exitCodeOf(err)).toBe(3);
    expect((err as PrerequisiteError).hint).toContain('vaultctl bootstrap');
  });
});
