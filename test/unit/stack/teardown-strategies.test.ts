import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStackCommand, tempStateDir, emptyVault } from '../../support/stack-harness.js';
import { FakeCommandRunner } from '../../support/fake-command-runner.js';
import { ESO_CHART, FakeCluster, VSO_CHART } from '../../support/fake-cluster.js';
import { CSI_STAND_IN, VSO_STAND_IN } from '../../support/lab-strategy-stand-ins.js';
import { labels } from '../../../src/stack/manifests/types.js';
import { readState } from '../../../src/stack/state.js';
import type { LabStrategy } from '../../../src/stack/strategies/lab-strategy.js';

// Issue 12: a strategy's release and namespace are recorded by bootstrap and removed by teardown;
// VSO's objects keep their finalizers once VSO is gone (its CRDs stay, its pre-delete hook only
// clears its own namespace: test/support/fake-cluster.ts VSO_CHART), so they go first, like ESO's.

const CTX = 'shared';
const VDS_FINALIZER = 'vaultdynamicsecret.secrets.hashicorp.com/finalizer';
const VSO_TYPES = 'vaultdynamicsecrets.secrets.hashicorp.com,vaultauths.secrets.hashicorp.com';

/** The VSO stand-in with a VaultDynamicSecret among its objects, as the real one has. */
const VSO_WITH_CR: LabStrategy = {
  ...VSO_STAND_IN,
  objects: (cfg, inputs) => [...VSO_STAND_IN.objects(cfg, inputs), {
    apiVersion: 'secrets.hashicorp.com/v1beta1', kind: 'VaultDynamicSecret',
    metadata: { name: 'demo-app-db', namespace: 'vaultctl-vso', labels: labels('demo-app-db') },
    spec: { vaultAuthRef: 'demo-app', mount: 'database', path: 'creds/app', destination: { name: 'demo-app-db', create: true } },
  }],
};

let state: ReturnType<typeof tempStateDir>;
beforeEach(() => { state = tempStateDir(); });
afterEach(() => state.remove());

describe('the cluster double follows VSO 1.4.1', () => {
  it('uninstalling VSO first leaves a strategy namespace Terminating on its objects\' finalizers', async () => {
    const runner = new FakeCommandRunner();
    const cluster = new FakeCluster(runner, { 'vault-secrets-operator': VSO_CHART });
    cluster.install('vault-secrets-operator', 'vault-secrets-operator');
    cluster.add({ kind: 'VaultDynamicSecret', apiVersion: 'secrets.hashicorp.com/v1beta1', namespace: 'vaultctl-vso', name: 'db', finalizers: [VDS_FINALIZER] });
    await runner.run(['helm', 'uninstall', 'vault-secrets-operator', '--kube-context', CTX, '--namespace', 'vault-secrets-operator']);
    const r = await runner.run(['kubectl', '--context', CTX, 'delete', 'namespace', 'vaultctl-vso', '--ignore-not-found', '--wait', '--timeout=300s'],
      { allowFailure: true });
    expect(r.exitCode).toBe(1);
    expect(cluster.namespaces.get('vaultctl-vso')).toBe('Terminating');
  });
});

describe('bootstrap --strategies vso, then teardown, in an existing context', () => {
  it('records the strategy\'s release (with its chart) and namespace; teardown removes VSO\'s objects, then the releases, then every namespace', async () => {
    let cluster!: FakeCluster;
    const up = await runStackCommand(['bootstrap', '--kube-context', CTX, '--strategies', 'secret-sync-restart,vso'], {
      stateDir: state.dir, createVaultApi: () => emptyVault, labStrategies: { vso: VSO_WITH_CR },
      script: (r) => { cluster = new FakeCluster(r, { 'external-secrets': ESO_CHART, 'vault-secrets-operator': VSO_CHART }); },
    });
    expect(up.stderr).not.toMatch(/✗/);
    expect(up.code).toBe(0);
    expect(cluster.objects.filter((o) => o.namespace === 'vaultctl-vso')).toMatchObject([{ kind: 'VaultDynamicSecret', finalizers: [VDS_FINALIZER] }]);
    // ESO's generator of the same kind name is ESO's, not VSO's: no VSO finalizer on it.
    expect(cluster.objects.find((o) => o.namespace === 'vaultctl-demo' && o.kind === 'VaultDynamicSecret')?.finalizers).toEqual([]);
    const saved = await readState({ VAULTCTL_STATE_DIR: state.dir });
    expect(saved?.releases).toContainEqual({ name: 'vault-secrets-operator', namespace: 'vault-secrets-operator', chart: 'hashicorp/vault-secrets-operator', created: true });
    expect(saved?.namespaces).toEqual(expect.arrayContaining([{ name: 'vault-secrets-operator', created: true }, { name: 'vaultctl-vso', created: true }]));
    expect(saved?.strategies).toEqual([{ name: 'vso', namespace: 'vaultctl-vso' }]);

    const down = await runStackCommand(['teardown'], { stateDir: state.dir, script: (r) => cluster.attach(r) });
    expect(down.stderr).not.toContain('error:');
    expect(down.code).toBe(0);
    expect([...cluster.namespaces.keys()]).toEqual([]);
    expect(cluster.releases.size).toBe(0);
    expect(cluster.objects).toEqual([]);
    const lines = down.runner.lines();
    const del = lines.indexOf(`kubectl --context ${CTX} delete ${VSO_TYPES} --namespace vaultctl-vso --all --ignore-not-found --wait=false`);
    const uninstall = lines.indexOf(`helm uninstall vault-secrets-operator --kube-context ${CTX} --namespace vault-secrets-operator`);
    const nsDelete = lines.indexOf(`kubectl --context ${CTX} delete namespace vaultctl-vso --ignore-not-found --wait --timeout=300s`);
    expect(del).toBeGreaterThan(-1);
    expect(uninstall).toBeGreaterThan(del);
    expect(nsDelete).toBeGreaterThan(uninstall);
    expect(down.stderr).toContain('Vault Secrets Operator objects in namespace vaultctl-vso');
  });
});

describe('a strategy chart in kube-system (the CSI driver)', () => {
  it('records its release but never kube-system as a namespace vaultctl created, so teardown leaves it', async () => {
    let cluster!: FakeCluster;
    const up = await runStackCommand(['bootstrap', '--kube-context', CTX, '--strategies', 'csi'], {
      stateDir: state.dir, createVaultApi: () => emptyVault, labStrategies: { csi: CSI_STAND_IN },
      script: (r) => { cluster = new FakeCluster(r, { 'external-secrets': ESO_CHART }); },
    });
    expect(up.code).toBe(0);
    expect(up.runner.lines().some((l) => l.includes('get namespace/kube-system'))).toBe(false);
    const saved = await readState({ VAULTCTL_STATE_DIR: state.dir });
    expect(saved?.releases).toContainEqual(expect.objectContaining({ name: 'csi-secrets-store', namespace: 'kube-system', created: true }));
    expect(saved?.namespaces.map((n) => n.name)).not.toContain('kube-system');

    const down = await runStackCommand(['teardown'], { stateDir: state.dir, script: (r) => cluster.attach(r) });
    expect(down.code).toBe(0);
    expect(down.runner.lines()).toContain(`helm uninstall csi-secrets-store --kube-context ${CTX} --namespace kube-system`);
    expect(down.runner.lines().some((l) => l.includes('delete namespace kube-system'))).toBe(false);
    expect([...cluster.namespaces.keys()]).toEqual(['kube-system']);
  });
});

describe('bootstrap again without a strategy installed before', () => {
  it('says the strategy is not selected now and how to keep it; the state still lists it', async () => {
    let cluster!: FakeCluster;
    const opts = { stateDir: state.dir, createVaultApi: () => emptyVault, labStrategies: { vso: VSO_WITH_CR } };
    const first = await runStackCommand(['bootstrap', '--kube-context', CTX, '--strategies', 'vso'], {
      ...opts, script: (r) => { cluster = new FakeCluster(r, { 'external-secrets': ESO_CHART, 'vault-secrets-operator': VSO_CHART }); },
    });
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain('not selected now');
    const again = await runStackCommand(['bootstrap', '--kube-context', CTX], { ...opts, script: (r) => cluster.attach(r) });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('note: vso (installed by an earlier bootstrap) is not selected now; the Vault chart loses its values. ' +
      'Keep it with --strategies secret-sync-restart,vso');
    expect((await readState({ VAULTCTL_STATE_DIR: state.dir }))?.strategies).toEqual([{ name: 'vso', namespace: 'vaultctl-vso' }]);
  });
});
