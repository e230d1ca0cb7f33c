import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emptyVault, runStackCommand, tempStateDir } from '../../support/stack-harness.js';
import { applyOverrides, defaultStackConfig } from '../../../src/stack/config/index.js';
import { renderAllManifests, renderKindConfig, type KubeObject } from '../../../src/stack/manifests/index.js';
import { readState, type StackState } from '../../../src/stack/state.js';
import { LAB_STRATEGIES, LAB_STRATEGY_NAMES, type LabStrategyName } from '../../../src/stack/strategies/index.js';
import { labAppHostPorts, labAppPorts } from '../../../src/stack/strategies/ports.js';
import { BUNDLE } from './lab-strategy-support.js';

// Every strategy's demo app copy is reachable from the host through its own Service (NodePort,
// mapped by kind), so rotate-test's load reaches every pod of the copy (a port-forward pins one).

const DEFAULTS = defaultStackConfig();

/** The demo app Service of a strategy's copy (the base lab's for secret-sync-restart). */
function appService(cfg: typeof DEFAULTS, strategy: LabStrategyName): KubeObject & Record<string, any> {
  const objs = strategy === 'secret-sync-restart'
    ? renderAllManifests(cfg, { adminPassword: 'pw', bundle: BUNDLE })
    : LAB_STRATEGIES[strategy]!.objects(cfg, { bundle: BUNDLE });
  const services = objs.filter((o) => o.kind === 'Service' && o.metadata.name === 'demo-app');
  expect(services, strategy).toHaveLength(1);
  return services[0] as KubeObject & Record<string, any>;
}

const mappingsOf = (cfg: typeof DEFAULTS) => (renderKindConfig(cfg) as any).nodes[0].extraPortMappings as Array<Record<string, unknown>>;

describe('labAppPorts', () => {
  it('gives each strategy the base ports plus its index in LAB_STRATEGY_NAMES', () => {
    expect(LAB_STRATEGY_NAMES.map((s) => [s, labAppPorts(DEFAULTS, s)])).toEqual([
      ['secret-sync-restart', { nodePort: 30080, hostPort: 8080 }],
      ['vso', { nodePort: 30081, hostPort: 8081 }],
      ['agent-template', { nodePort: 30082, hostPort: 8082 }],
      ['csi', { nodePort: 30083, hostPort: 8083 }],
    ]);
    expect(labAppPorts({ appNodePort: 31000, appHostPort: 9000 }, 'csi')).toEqual({ nodePort: 31003, hostPort: 9003 });
    expect(labAppHostPorts({ appNodePort: 31000, appHostPort: 9000 })).toEqual({ 'secret-sync-restart': 9000, vso: 9001, 'agent-template': 9002, csi: 9003 });
  });
});

describe('each strategy copy behind its own NodePort, mapped by kind', () => {
  it.each(LAB_STRATEGY_NAMES)('%s: a NodePort Service on its port, which kind publishes on its host port', (strategy) => {
    const cfg = applyOverrides(DEFAULTS, { appNodePort: 31000, appHostPort: 9000 });
    const svc = appService(cfg, strategy);
    const { nodePort, hostPort } = labAppPorts(cfg, strategy);
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', nodePort }]);
    expect(mappingsOf(cfg)).toContainEqual({ containerPort: nodePort, hostPort, listenAddress: '127.0.0.1', protocol: 'TCP' });
  });

  it('kind maps every strategy and Vault even when the lab holds the base strategy alone, and no port twice', () => {
    const cfg = { ...DEFAULTS, strategies: ['secret-sync-restart' as const] };
    const mappings = mappingsOf(cfg);
    expect(mappings.map((m) => [m.containerPort, m.hostPort])).toEqual([[30080, 8080], [30081, 8081], [30082, 8082], [30083, 8083], [30200, 8200]]);
    expect(new Set(mappings.map((m) => m.containerPort)).size).toBe(mappings.length);
    expect(new Set(mappings.map((m) => m.hostPort)).size).toBe(mappings.length);
    expect(mappingsOf({ ...DEFAULTS, strategies: [...LAB_STRATEGY_NAMES] })).toEqual(mappings);
  });
});

describe('bootstrap records the strategies\' host ports in the state', () => {
  let state: ReturnType<typeof tempStateDir>;
  beforeEach(() => { state = tempStateDir(); });
  afterEach(() => state.remove());

  it('when it creates the kind cluster: the ports of the config it created the cluster with', async () => {
    const run = await runStackCommand(['bootstrap'], { stateDir: state.dir, createVaultApi: () => emptyVault });
    expect(run.stderr).not.toMatch(/✗/);
    expect(run.code).toBe(0);
    const create = run.runner.calls.find((c) => c.argv.slice(0, 3).join(' ') === 'kind create cluster');
    const mapped = (parse(create!.input!) as any).nodes[0].extraPortMappings.map((m: any) => m.hostPort);
    const saved = await readState({ VAULTCTL_STATE_DIR: state.dir });
    expect(saved?.hostPorts).toEqual({ vault: 8200, app: 8080, strategyApps: { 'secret-sync-restart': 8080, vso: 8081, 'agent-template': 8082, csi: 8083 } });
    expect(mapped).toEqual(expect.arrayContaining(Object.values(saved!.hostPorts.strategyApps!)));
  });

  it('an old state file without strategyApps loads; with a cluster made before, the ports stay unknown', async () => {
    const old = {
      version: 1, mode: 'kind', clusterName: 'vaultctl', kubeContext: 'kind-vaultctl', createdCluster: true, namespaces: [], releases: [],
      hostPorts: { vault: 8200, app: 8080 }, vault: { kind: 'nodeport', url: 'http://127.0.0.1:8200' },
      app: { namespace: 'vaultctl-demo' }, updatedAt: '2026-01-01T00:00:00.000Z',
    };
    writeFileSync(join(state.dir, 'state.json'), JSON.stringify(old), { mode: 0o600 });
    expect((await readState({ VAULTCTL_STATE_DIR: state.dir }))?.hostPorts).toEqual({ vault: 8200, app: 8080 });
    const run = await runStackCommand(['bootstrap', '--strategies', 'secret-sync-restart,vso'], {
      stateDir: state.dir, createVaultApi: () => emptyVault, script: (r) => r.on(['kind', 'get', 'clusters'], { stdout: 'vaultctl\n' }),
    });
    expect(run.code).toBe(0);
    expect(run.runner.lines().some((l) => l.startsWith('kind create'))).toBe(false);
    const saved = await readState({ VAULTCTL_STATE_DIR: state.dir });
    expect(saved?.hostPorts).toEqual({ vault: 8200, app: 8080 });
  });

  it('a later bootstrap on the cluster it created keeps what the creation recorded', async () => {
    const recorded: StackState['hostPorts'] = { vault: 8200, app: 8080, strategyApps: { 'secret-sync-restart': 8080, vso: 8081, 'agent-template': 8082, csi: 8083 } };
    const first = await runStackCommand(['bootstrap'], { stateDir: state.dir, createVaultApi: () => emptyVault });
    expect(first.code).toBe(0);
    const again = await runStackCommand(['bootstrap', '--strategies', 'secret-sync-restart,csi'], {
      stateDir: state.dir, createVaultApi: () => emptyVault, script: (r) => r.on(['kind', 'get', 'clusters'], { stdout: 'vaultctl\n' }),
    });
    expect(again.code).toBe(0);
    expect((await readState({ VAULTCTL_STATE_DIR: state.dir }))?.hostPorts).toEqual(recorded);
  });
});
