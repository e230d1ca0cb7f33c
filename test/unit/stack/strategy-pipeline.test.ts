import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectStackGolden } from '../../support/stack-golden.js';
import { defaultStackConfig } from '../../../src/stack/config/index.js';
import { helmReleases } from '../../../src/stack/manifests/index.js';
import { bootstrapSteps } from '../../../src/stack/bootstrap/pipeline.js';
import { createStackContext } from '../../../src/stack/bootstrap/context.js';
import { LAB_STRATEGIES, type LabStrategyTable } from '../../../src/stack/strategies/index.js';
import type { LabStrategy } from '../../../src/stack/strategies/lab-strategy.js';
import type { StackConfig } from '../../../src/stack/stack-config.js';
import { createTestRuntime } from '../../support/test-runtime.js';
import { FakeCommandRunner } from '../../support/fake-command-runner.js';
import { runStackCommand, tempStateDir } from '../../support/stack-harness.js';
import { AGENT_STAND_IN, CSI_STAND_IN, STAND_INS, VSO_STAND_IN } from '../../support/lab-strategy-stand-ins.js';

// Issue 12: bootstrap installs each selected strategy after the base lab.

const cfg = (strategies: StackConfig['strategies']): StackConfig => ({ ...defaultStackConfig(), strategies });

/** The step titles bootstrap would run, as the plan and the ✓ lines show them. */
function titles(c: StackConfig, strategies: LabStrategy[]): string[] {
  const ctx = createStackContext({
    cfg: c, runner: new FakeCommandRunner(), secrets: createTestRuntime({}).secrets, log: () => {}, strategies,
    io: { createVaultApi: () => { throw new Error('unused'); }, sleep: async () => {}, now: () => 0, packageFile: (p) => p, readDemoAppBundle: async () => '' },
  });
  ctx.rootToken = 'tok';
  return bootstrapSteps(ctx).map((s) => s.title(ctx));
}

const BASE = titles(cfg(['secret-sync-restart']), []);

describe('the pipeline per selection', () => {
  it('the base lab alone: the steps of today, ending with the demo app rollout', () => {
    expect(BASE).toHaveLength(15);
    expect(BASE.at(-1)).toBe('Waiting for Deployment demo-app rollout (every 2s, up to 5m)');
  });

  it('each strategy adds, after the base steps: its charts, its Vault role, its waits before, its objects, its waits after', () => {
    expect(titles(cfg(['secret-sync-restart', 'vso']), [VSO_STAND_IN]).slice(BASE.length)).toEqual([
      'Installing vault-secrets-operator for vso (hashicorp/vault-secrets-operator 1.4.1 in namespace vault-secrets-operator)',
      'Configuring Vault database role app-vso, auth role vso-db and policy db-app-vso for vso (service account vaultctl-vso/demo-app)',
      'Applying vso objects and the demo app (namespace vaultctl-vso)',
      'Waiting for Deployment demo-app rollout in vaultctl-vso (vso, every 2s, up to 5m)',
    ]);
    expect(titles(cfg(['agent-template']), [AGENT_STAND_IN]).slice(BASE.length)).toEqual([
      'Configuring Vault database role app-agent-template, auth role agent-template-db and policy db-app-agent-template for agent-template (service account vaultctl-agent-template/demo-app)',
      'Waiting for Vault agent injector (agent-template, every 2s, up to 5m)',
      'Applying agent-template objects and the demo app (namespace vaultctl-agent-template)',
      'Waiting for Deployment demo-app rollout in vaultctl-agent-template (agent-template, every 2s, up to 5m)',
    ]);
  });

  it('several strategies run one after the other, in the order given', () => {
    const all = titles(cfg(['secret-sync-restart', 'vso', 'agent-template', 'csi']), [VSO_STAND_IN, AGENT_STAND_IN, CSI_STAND_IN]);
    // The base steps come first, unchanged but for the repositories step, which adds the strategies' repositories.
    expect(all.slice(0, BASE.length).filter((_, i) => i !== 3)).toEqual(BASE.filter((_, i) => i !== 3));
    const applied = all.filter((t) => t.startsWith('Applying ') && t.includes(' objects and'));
    expect(applied.map((t) => t.split(' ')[1])).toEqual(['vso', 'agent-template', 'csi']);
    // The helm repos step adds every strategy chart's repository (hashicorp is already there).
    expect(all[3]).toBe('Adding Helm repositories (hashicorp, external-secrets, wave-k8s, secrets-store-csi-driver)');
  });
});

describe('the Vault release with strategies', () => {
  const secrets = { vaultDevRootToken: 'tok' };
  it('carries the values of every selected strategy on top of its own', () => {
    const [vault, ...rest] = helmReleases(cfg(['agent-template', 'csi']), secrets, [AGENT_STAND_IN, CSI_STAND_IN]);
    expect(vault.set).toEqual({
      'server.dev.devRootToken': 'tok', 'server.service.nodePort': '30200', 'injector.enabled': 'true', 'csi.enabled': 'true',
    });
    expect(rest.map((r) => r.name)).toEqual(['external-secrets', 'wave', 'csi-secrets-store']);
    expect(helmReleases(cfg(['secret-sync-restart']), secrets)[0].set).toEqual({ 'server.dev.devRootToken': 'tok', 'server.service.nodePort': '30200' });
  });

  it('two values for one key are refused, naming both sides', () => {
    const off: LabStrategy = { ...CSI_STAND_IN, vaultChartSet: () => ({ 'injector.enabled': 'false' }) };
    expect(() => helmReleases(cfg(['agent-template', 'csi']), secrets, [AGENT_STAND_IN, off]))
      .toThrow('strategy csi sets the Vault chart\'s injector.enabled to "false", but strategy agent-template sets it to "true"');
    const token: LabStrategy = { ...CSI_STAND_IN, vaultChartSet: () => ({ 'server.service.nodePort': '1' }) };
    expect(() => helmReleases(cfg(['csi']), secrets, [token])).toThrow(/but the base lab sets it to "30200"/);
  });
});

describe('vaultctl bootstrap --dry-run --strategies <one>', () => {
  let state: ReturnType<typeof tempStateDir>;
  beforeEach(() => { state = tempStateDir(); });
  afterEach(() => state.remove());

  for (const name of ['vso', 'agent-template', 'csi'] as const) {
    // The shipped strategy when this build has it, else its stand-in (the golden then changes when it lands).
    const table: LabStrategyTable = LAB_STRATEGIES[name] ? LAB_STRATEGIES : STAND_INS;
    it(`${name}: the base plan, then every command, manifest and Vault call of ${name}${table === STAND_INS ? ' (stand-in)' : ''}`, async () => {
      const base = await runStackCommand(['bootstrap', '--dry-run'], { stateDir: state.dir, labStrategies: table });
      const run = await runStackCommand(['bootstrap', '--dry-run', '--strategies', name], { stateDir: state.dir, labStrategies: table });
      expect(run.code).toBe(0);
      expect(run.runner.calls).toEqual([]);
      for (const s of run.rt.secrets.list()) expect(run.stdout + run.stderr).not.toContain(s);
      expect(run.stdout).toContain(`Applying ${name} objects and the demo app (namespace vaultctl-${name})`);
      expect(run.stdout.length).toBeGreaterThan(base.stdout.length);
      expectStackGolden(`bootstrap-plan-${name}.txt`, run.stdout);
    });
  }
});
