import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { rotateTest } from '../../../src/app/rotate-test.js';
import { createNodeVaultApi } from '../../../src/adapters/node-vault-api.js';
import { exitCodeOf } from '../../../src/errors/errors.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { VaultApi } from '../../../src/ports/vault.js';
import { VSO_RESTARTED_AT } from '../../../src/stack/strategies/vso-names.js';
import { AGENT_INJECT_STATUS, AGENT_SIDECAR } from '../../../src/stack/strategies/agent-template.js';
import { VDS_KIND } from '../../../src/targets/kubernetes/delivery/vso.js';
import { KUBECTL_RESTARTED_AT } from '../../../src/targets/kubernetes/delivery/in-place.js';
import { createTestRuntime } from '../../support/test-runtime.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { kubeLabDeps, writeLabState } from '../../support/kube-lab-harness.js';
import { collections, playRollout, seedApp, type AppPlace } from '../../support/kube-objects.js';

/**
 * rotate-test with `target: kubernetes` on each lab strategy's copy of the demo app (issue 12),
 * end to end through the real adapters against the doubles. The test plays each controller as
 * its upstream source says it acts (cited in strategy-observations.test.ts): VSO syncs when the
 * VaultDynamicSecret's generation moves, reads new credentials from Vault, rewrites the Secret and
 * patches restartedAt into the Deployment's template; the agent and the CSI driver only leave the
 * app's own `reloaded` log line behind.
 */
const INSTALLED = ['vso', 'agent-template', 'csi'].map((name) => ({ name, namespace: `vaultctl-${name}` }));
const scenario = (delivery: string, rotations = 'rotations: {at: [1s]}') => `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: k8s-strategy-double}
target: kubernetes
delivery: ${delivery}
database: {role: {defaultTtl: 10m, maxTtl: 1h}}
workload: {replicas: 3, maxSurge: 1, maxUnavailable: 0}
load: {rate: 100, connections: 2, duration: 4s, timeout: 1s, workers: 0}
${rotations}
`;

describe('rotate-test with target: kubernetes on each lab strategy', () => {
  let dir: string;
  let vault: VaultDouble;
  let api: VaultApi;
  let k: KubeDouble;
  let app: Server;
  let appPort: number;
  let stopPlayer = () => {};

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vaultctl-k8s-strategy-'));
    [vault, k] = await Promise.all([startVaultDouble(), startKubeDouble()]);
    app = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appPort = (app.address() as AddressInfo).port;
    api = createNodeVaultApi({ endpoint: vault.endpoint, token: vault.token });
    await api.write('sys/mounts/database', { type: 'database' });
    await api.write('database/config/app-db', { plugin_name: 'postgresql-database-plugin', allowed_roles: ['app', 'app-vso', 'app-agent-template', 'app-csi'] });
    for (const role of ['app', 'app-vso', 'app-agent-template', 'app-csi']) {
      await api.write(`database/roles/${role}`, { db_name: 'app-db', creation_statements: ['CREATE ROLE "{{name}}";'], default_ttl: 3600, max_ttl: 86400 });
    }
  });
  afterEach(async () => {
    stopPlayer();
    await new Promise<void>((r) => { app.closeAllConnections(); app.close(() => r()); });
    await Promise.all([vault.close(), k.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (yaml: string) => {
    const rt = createTestRuntime({ cwd: dir, env: await writeLabState(dir, INSTALLED) });
    await writeFile(join(dir, 'k8s.yaml'), yaml);
    const error = await rotateTest(rt, kubeLabDeps({ vault, k, appPort }), { files: ['k8s.yaml'], out: 'out', quiet: false })
      .then(() => undefined, (e: unknown) => e);
    return { rt, error };
  };
  const events = async () => (await readFile(join(dir, 'out', 'events.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
  const runJson = async () => JSON.parse(await readFile(join(dir, 'out', 'run.json'), 'utf8'));

  /** VSO: a generation past status.lastGeneration is a sync — a Vault read, the Secret, restartedAt (VSO v1.4.1 L162-186, L357-366). */
  function playVso(at: AppPlace): void {
    const vds = `/apis/${VDS_KIND.group}/${VDS_KIND.version}/namespaces/${at.ns}/${VDS_KIND.plural}`;
    let rev = 1;
    let busy = false;
    const timer = setInterval(() => {
      const o = k.get(vds, 'demo-app-db');
      if (busy || !o || o.metadata.generation === o.status.lastGeneration) return;
      busy = true;
      void (async () => {
        const creds = await api.read('database/creds/app-vso') as { lease_id: string; lease_duration: number };
        k.put(vds, { ...o, status: { ...o.status, lastGeneration: o.metadata.generation, lastRenewalTime: Math.floor(Date.now() / 1000),
          secretLease: { id: creds.lease_id, duration: creds.lease_duration, renewable: true } } });
        k.put(collections(at.ns!).secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo-app-db', namespace: at.ns }, data: { rev: String(rev) } });
        await playRollout(k, ++rev, () => new Promise((r) => setTimeout(r, 60)), at);
        busy = false;
      })();
    }, 20);
    stopPlayer = () => clearInterval(timer);
  }

  it('vso: rotations.at bumps the VaultDynamicSecret\'s generation; VSO\'s lease, Secret and restartedAt rollout are measured on vaultctl-vso', async () => {
    const at: AppPlace = { ns: 'vaultctl-vso', hashKey: VSO_RESTARTED_AT };
    seedApp(k, at);
    const vds = `/apis/${VDS_KIND.group}/${VDS_KIND.version}/namespaces/vaultctl-vso/${VDS_KIND.plural}`;
    k.put(vds, { apiVersion: 'secrets.hashicorp.com/v1beta1', kind: 'VaultDynamicSecret', metadata: { name: 'demo-app-db', namespace: 'vaultctl-vso', generation: 1 },
      spec: { mount: 'database', path: 'creds/app-vso', destination: { name: 'demo-app-db', create: true } },
      status: { lastGeneration: 1, lastRenewalTime: 1, secretLease: { id: 'database/creds/app-vso/old', duration: 3600, renewable: true } } });
    k.put(collections('vaultctl-vso').secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo-app-db', namespace: 'vaultctl-vso' }, data: {} });
    playVso(at);
    const setup = vault.requests.length;
    const { rt, error } = await run(scenario('{strategy: vso}'));
    expect(error, rt.err()).toBeUndefined();

    const ev = await events();
    expect(ev.find((e) => e.type === 'rotation_triggered')).toMatchObject({ trigger: 'force-sync' });
    const issued = ev.filter((e) => e.type === 'credentials_issued');
    expect(issued).toEqual([expect.objectContaining({ issuer: 'vso', leaseId: expect.stringMatching(/^database\/creds\/app-vso\//) })]);
    expect(ev.some((e) => e.type === 'secret_synced')).toBe(true);
    const r = await runJson();
    expect(r.analysis.rollouts).toEqual([expect.objectContaining({ trigger: 'force-sync', completed: true, failures: 0 })]);
    // The run's lease count is of the strategy's own role: the sync that re-issued the credentials
    // with the scenario's TTLs before the load, then the forced one.
    expect(ev.filter((e) => e.type === 'leases_counted')).toEqual([
      expect.objectContaining({ phase: 'before', count: 1 }), expect.objectContaining({ phase: 'after', count: 2 }),
    ]);
    expect(rt.err()).toMatch(/Re-issuing vaultctl-vso's credentials with the new TTLs/);
    // The scenario's TTLs went onto app-vso for the run and back afterwards; the base lab's role was never written.
    const roleWrites = vault.requests.slice(setup).filter((q) => q.method !== 'GET' && q.path.startsWith('database/roles/') && q.body?.db_name).map((q) => q.path);
    expect(roleWrites.slice(-2)).toEqual(['database/roles/app-vso', 'database/roles/app-vso']);
    expect(roleWrites).not.toContain('database/roles/app');
    expect(vault.state.roles.get('database/app-vso')).toMatchObject({ default_ttl: 3600, max_ttl: 86400 });
    expect(rt.err()).toContain('namespace vaultctl-vso');
    expect(rt.err()).not.toContain(vault.token);
  }, 60_000);

  /** `kubectl rollout restart` (the re-issue with the scenario's TTLs) played as a rolling update to revision 2. */
  function playRestart(at: AppPlace): () => void {
    let done = false;
    const timer = setInterval(() => {
      if (done || !k.requests.some((q) => q.method === 'PATCH' && JSON.stringify(q.body).includes(KUBECTL_RESTARTED_AT))) return;
      done = true;
      void playRollout(k, 2, () => new Promise((r) => setTimeout(r, 30)), at);
    }, 20);
    return () => clearInterval(timer);
  }

  for (const strategy of ['agent-template', 'csi'] as const) {
    it(`${strategy}: no rollout; the app's own reload lines, followed in every pod's log, are the pickups`, async () => {
      const ns = `vaultctl-${strategy}`;
      const agent = (p: { metadata: Record<string, any>; spec: { containers: { name: string }[] } }) => {
        p.metadata.annotations[AGENT_INJECT_STATUS] = 'injected';
        p.spec.containers.push({ name: AGENT_SIDECAR });
      };
      const at: AppPlace = { ns, ...(strategy === 'agent-template' ? { extraPod: agent } : {}) };
      seedApp(k, at);
      const stopRestart = playRestart(at);
      // Each pod logs one reload once its log is followed (as a SIGHUP or a re-read file would make it).
      const said = new Set<string>();
      const timer = setInterval(() => {
        for (const q of k.requests) {
          const m = new RegExp(`^/api/v1/namespaces/${ns}/pods/([^/]+)/log$`).exec(q.path);
          if (!m || said.has(m[1]) || q.query.get('follow') !== 'true') continue;
          said.add(m[1]);
          setTimeout(() => k.appendLog(ns, m[1], 'demo-app', JSON.stringify({ t: new Date().toISOString(), event: 'reloaded', username: `v-${m[1]}` })), 200);
        }
      }, 20);
      stopPlayer = () => { clearInterval(timer); stopRestart(); };
      const { rt, error } = await run(scenario(`{strategy: ${strategy}, via: file}`, 'rotations: {}'));
      expect(error, rt.err()).toBeUndefined();

      const ev = await events();
      const reloads = ev.filter((e) => e.type === 'credentials_reloaded');
      // The pods of the restart that re-issued credentials with the scenario's TTLs, before the load.
      expect(reloads.map((e) => (e as { replica?: string }).replica).sort()).toEqual(['demo-app-r2-1', 'demo-app-r2-2', 'demo-app-r2-3']);
      expect(ev.filter((e) => e.type === 'rollout_started')).toEqual([]);
      expect(rt.err()).toMatch(new RegExp(`Re-issuing vaultctl-${strategy}'s credentials with the new TTLs`));
      // The app container's log, never the agent's.
      const follows = k.requests.filter((q) => q.path.endsWith('/log'));
      expect(new Set(follows.map((q) => q.query.get('container')))).toEqual(new Set(['demo-app']));
      expect(ev.filter((e) => e.type === 'warning')).toEqual([]);
    }, 60_000);
  }

  it('agent-template: a pod the injector missed is a warning in the run', async () => {
    const ns = 'vaultctl-agent-template';
    seedApp(k, { ns });
    stopPlayer = playRestart({ ns });
    const { rt, error } = await run(scenario('{strategy: agent-template, via: file}', 'rotations: {}'));
    expect(error, rt.err()).toBeUndefined();
    const warnings = (await events()).filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);
    expect(warnings).toEqual(['demo-app-r2-1', 'demo-app-r2-2', 'demo-app-r2-3'].map((p) => expect.stringContaining(`pod ${p} runs without the Vault agent`)));
  }, 60_000);

  it('csi: rotations.at is refused before anything starts (the driver fetches on its own schedule)', async () => {
    const { error } = await run(scenario('{strategy: csi, via: file}'));
    expect(exitCodeOf(error)).toBe(104);
    expect(String((error as Error).message) + JSON.stringify(error)).toContain('nothing can make it fetch now');
    expect(k.requests).toEqual([]);
  });

  it('a strategy the lab does not hold is a missing prerequisite naming the bootstrap command', async () => {
    const rt = createTestRuntime({ cwd: dir, env: await writeLabState(dir, []) });
    await writeFile(join(dir, 'k8s.yaml'), scenario('{strategy: vso}'));
    const err = await rotateTest(rt, kubeLabDeps({ vault, k, appPort }), { files: ['k8s.yaml'], out: 'out', quiet: true }).catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(3);
    expect((err as Error).message).toContain('strategy vso is not installed in the lab');
    expect((err as { hint?: string }).hint).toContain('vaultctl bootstrap --strategies vso');
  });
});
