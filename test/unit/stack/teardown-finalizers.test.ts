import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runStackCommand, tempStateDir, emptyVault } from '../../support/stack-harness.js';
import { FakeCommandRunner } from '../../support/fake-command-runner.js';
import { ESO_CHART, ESO_FINALIZER, FakeCluster } from '../../support/fake-cluster.js';
import { writeState, type StackState } from '../../../src/stack/state.js';

// Issue 12, fix 3: ESO's objects go (and their finalizers with them) before ESO's chart, whose
// CRDs and controller leave with it; then the namespaces. The cluster double holds the finalizer
// rules (test/support/fake-cluster.ts, with its sources).

const CTX = 'shared';
const ES_TYPES = 'externalsecrets.external-secrets.io,pushsecrets.external-secrets.io,secretstores.external-secrets.io,' +
  'vaultdynamicsecrets.generators.external-secrets.io,generatorstates.generators.external-secrets.io';
const RELEASES = [['vault', 'vault'], ['external-secrets', 'external-secrets'], ['wave', 'wave']] as const;
const NAMESPACES = ['vault', 'vaultctl-db', 'external-secrets', 'wave', 'vaultctl-demo'];

let state: ReturnType<typeof tempStateDir>;
beforeEach(() => { state = tempStateDir(); });
afterEach(() => state.remove());

/** The lab as a finished `bootstrap --kube-context shared` leaves it, in the double. */
function seed(runner: FakeCommandRunner, skip: string[] = []): FakeCluster {
  const cluster = new FakeCluster(runner, { 'external-secrets': ESO_CHART });
  for (const [name, ns] of RELEASES) if (!skip.includes(name)) cluster.install(name, ns);
  for (const ns of NAMESPACES) if (!skip.includes(ns)) cluster.namespaces.set(ns, 'Active');
  if (!skip.includes('external-secrets')) {
    const labels = { 'app.kubernetes.io/managed-by': 'vaultctl' };
    cluster.add({ kind: 'VaultDynamicSecret', apiVersion: 'generators.external-secrets.io/v1alpha1', namespace: 'vaultctl-demo', name: 'demo-app-db-creds', labels });
    cluster.add({ kind: 'ExternalSecret', apiVersion: 'external-secrets.io/v1', namespace: 'vaultctl-demo', name: 'demo-app-db', labels, finalizers: [ESO_FINALIZER] });
  }
  return cluster;
}

/** The state file that bootstrap wrote for that lab. */
async function recordLab(existedBefore: string[] = []): Promise<void> {
  const recorded: StackState = {
    version: 1, mode: 'context', clusterName: 'vaultctl', kubeContext: CTX, createdCluster: false,
    namespaces: NAMESPACES.map((name) => ({ name, created: !existedBefore.includes(name) })),
    releases: RELEASES.map(([name, namespace]) => ({ name, namespace, created: true })),
    hostPorts: {}, vault: { kind: 'port-forward', namespace: 'vault', service: 'vault', port: 8200 },
    app: { namespace: 'vaultctl-demo' }, updatedAt: '2026-01-01T00:00:00.000Z',
  };
  await writeState({ VAULTCTL_STATE_DIR: state.dir }, recorded);
}

/** Minutes pass only when a wait sleeps. */
function virtualClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => { t += ms; } };
}

const vaultctlLeft = (c: FakeCluster) => NAMESPACES.filter((n) => c.namespaces.has(n));

describe('the cluster double follows the finalizer rules', () => {
  it('uninstalling ESO before deleting the namespace (the old order) leaves the namespace Terminating', async () => {
    const runner = new FakeCommandRunner();
    const cluster = seed(runner);
    await runner.run(['helm', 'uninstall', 'external-secrets', '--kube-context', CTX, '--namespace', 'external-secrets']);
    const r = await runner.run(['kubectl', '--context', CTX, 'delete', 'namespace', 'vaultctl-demo', '--ignore-not-found', '--wait', '--timeout=300s'],
      { allowFailure: true });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/timed out waiting for the condition on namespaces\/vaultctl-demo/);
    expect(cluster.namespaces.get('vaultctl-demo')).toBe('Terminating');
    expect(cluster.objects).toMatchObject([{ kind: 'ExternalSecret', name: 'demo-app-db', finalizers: [ESO_FINALIZER] }]);
  });

  it('with ESO running, deleting the namespace completes', async () => {
    const runner = new FakeCommandRunner();
    const cluster = seed(runner);
    await runner.run(['kubectl', '--context', CTX, 'delete', 'namespace', 'vaultctl-demo', '--ignore-not-found', '--wait', '--timeout=300s']);
    expect(cluster.namespaces.has('vaultctl-demo')).toBe(false);
    expect(cluster.objects).toEqual([]);
  });
});

describe('teardown --kube-context with ESO finalizers', () => {
  it('deletes ESO objects and waits for them before uninstalling ESO; every namespace goes; a second teardown is clean', async () => {
    await recordLab();
    let cluster!: FakeCluster;
    const run = await runStackCommand(['teardown'], { stateDir: state.dir, script: (r) => { cluster = seed(r); } });
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    expect(vaultctlLeft(cluster)).toEqual([]);
    expect(cluster.objects).toEqual([]);
    expect(cluster.releases.size).toBe(0);

    const lines = run.runner.lines();
    const del = lines.indexOf(`kubectl --context ${CTX} delete ${ES_TYPES} --namespace vaultctl-demo --all --ignore-not-found --wait=false`);
    const uninstall = lines.indexOf(`helm uninstall external-secrets --kube-context ${CTX} --namespace external-secrets`);
    const nsDelete = lines.indexOf(`kubectl --context ${CTX} delete namespace vaultctl-demo --ignore-not-found --wait --timeout=300s`);
    expect(del).toBeGreaterThan(-1);
    expect(uninstall).toBeGreaterThan(del);
    expect(nsDelete).toBeGreaterThan(uninstall);
    // It polled until the controller had removed the finalizer (one poll still saw the object).
    const polls = lines.slice(del, uninstall).filter((l) => l.includes(`get ${ES_TYPES} --namespace vaultctl-demo`));
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toContain('External Secrets objects in namespace vaultctl-demo');

    const again = await runStackCommand(['teardown'], { stateDir: state.dir });
    expect(again.code).toBe(0);
    expect(again.runner.calls).toEqual([]);
    expect(again.stderr).toContain('Nothing to tear down');
  });

  it('with parts already gone (ESO and its objects, Wave, a namespace) it removes the rest', async () => {
    await recordLab();
    let cluster!: FakeCluster;
    const run = await runStackCommand(['teardown'], {
      stateDir: state.dir, script: (r) => { cluster = seed(r, ['external-secrets', 'wave', 'vaultctl-db']); },
    });
    expect(run.code).toBe(0);
    expect(vaultctlLeft(cluster)).toEqual([]);
    expect(run.runner.lines().some((l) => l.includes(' delete externalsecrets') || l.startsWith('helm uninstall external-secrets'))).toBe(false);
    expect(existsSync(join(state.dir, 'state.json'))).toBe(false);
  });

  it('in an app namespace that existed before, only the ESO objects vaultctl made go (by label) and the namespace stays', async () => {
    await recordLab(['vaultctl-demo']);
    let cluster!: FakeCluster;
    const run = await runStackCommand(['teardown'], { stateDir: state.dir, script: (r) => { cluster = seed(r); } });
    expect(run.code).toBe(0);
    expect(run.runner.lines()).toContain(
      `kubectl --context ${CTX} delete ${ES_TYPES} --namespace vaultctl-demo --selector app.kubernetes.io/managed-by=vaultctl --ignore-not-found --wait=false`);
    expect(vaultctlLeft(cluster)).toEqual(['vaultctl-demo']);
    expect(cluster.objects).toEqual([]);
    expect(cluster.releases.size).toBe(0);
  });

  it('when ESO is not running it stops before uninstalling, names what is stuck with the patch that frees it, keeps the state', async () => {
    await recordLab();
    let cluster!: FakeCluster;
    const clock = virtualClock();
    const run = await runStackCommand(['teardown'], {
      stateDir: state.dir, clock, script: (r) => { cluster = seed(r); cluster.stopController('external-secrets'); },
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('External Secrets objects in namespace vaultctl-demo were not deleted after 5m: ' +
      `externalsecret.external-secrets.io/demo-app-db (finalizers: ${ESO_FINALIZER})`);
    expect(run.stderr).toContain(`kubectl --context ${CTX} get pods --namespace external-secrets`);
    expect(run.stderr).toContain(`kubectl --context ${CTX} patch externalsecret.external-secrets.io demo-app-db --namespace vaultctl-demo ` +
      `--type=merge -p '{"metadata":{"finalizers":null}}'`);
    expect(clock.now()).toBeGreaterThanOrEqual(298_000);
    expect(clock.now()).toBeLessThanOrEqual(300_000);
    expect(run.runner.lines().some((l) => l.startsWith('helm uninstall') || l.includes('delete namespace'))).toBe(false);
    expect(existsSync(join(state.dir, 'state.json'))).toBe(true);

    cluster.clearFinalizers('demo-app-db');
    const retry = await runStackCommand(['teardown'], { stateDir: state.dir, script: (r) => cluster.attach(r) });
    expect(retry.code).toBe(0);
    expect(vaultctlLeft(cluster)).toEqual([]);
  });
});

describe('a failed bootstrap in an existing context', () => {
  it('deletes the ExternalSecret it applied while ESO runs, then uninstalls, then deletes its namespaces', async () => {
    let cluster!: FakeCluster;
    const run = await runStackCommand(['bootstrap', '--kube-context', CTX], {
      stateDir: state.dir, clock: virtualClock(), createVaultApi: () => emptyVault,
      script: (r) => {
        cluster = new FakeCluster(r, { 'external-secrets': ESO_CHART });
        r.on(['kubectl', 'wait'], { exitCode: 1, stderr: 'error: timed out waiting for the condition on externalsecrets/demo-app-db' });
      },
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/✗ Waiting for ExternalSecret demo-app-db/);
    expect(run.stderr).toMatch(/✓ Removing what this bootstrap created/);
    expect(vaultctlLeft(cluster)).toEqual([]);
    expect(cluster.objects).toEqual([]);
    const lines = run.runner.lines();
    const del = lines.findIndex((l) => l.includes(`delete ${ES_TYPES} --namespace vaultctl-demo --all`));
    expect(del).toBeGreaterThan(-1);
    expect(lines.indexOf(`helm uninstall external-secrets --kube-context ${CTX} --namespace external-secrets`)).toBeGreaterThan(del);
  });
});

