import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Command } from 'commander';
import { createTestRuntime } from '../support/test-runtime.js';
import { repoRoot } from '../support/cli-harness.js';
import { createExecaRunner } from '../../src/adapters/execa-runner.js';
import { createNodeVaultApi } from '../../src/adapters/node-vault-api.js';
import { readDemoAppBundle } from '../../src/stack/manifests/index.js';
import { exitCodeOf } from '../../src/errors/errors.js';
import { formatError } from '../../src/errors/format.js';
import type { BootstrapDeps } from '../../src/app/bootstrap.js';
import { newBootstrapCommand } from '../../src/cli/commands/bootstrap.js';
import { newDoctorCommand } from '../../src/cli/commands/doctor.js';
import { newTeardownCommand } from '../../src/cli/commands/teardown.js';
import { KIND_NODE_IMAGE } from '../../src/stack/manifests/kind.js';
import { deleteClusterUnlessKept, retainArgs } from './keep-cluster.js';

/**
 * The real thing: kind + helm + kubectl + Docker. Runs only with VAULTCTL_E2E=1 (CI workflow
 * .github/workflows/e2e.yml); needs `npm run build` first (the demo app bundle).
 */
describe.skipIf(process.env.VAULTCTL_E2E !== '1')('bootstrap → doctor → teardown on a real kind cluster', () => {
  const name = `vaultctl-e2e-${process.pid}`;
  let stateDir: string;

  /** Runs one stack command with the real adapters; returns the exit code and stderr. */
  async function vaultctl(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const rt = createTestRuntime({ cwd: repoRoot, env: { ...process.env, VAULTCTL_STATE_DIR: stateDir } });
    const deps: BootstrapDeps = {
      createRunner: (secrets) => createExecaRunner({ secrets }),
      createVaultApi: (o) => createNodeVaultApi(o),
      readDemoAppBundle: () => readDemoAppBundle(repoRoot),
      packageRoot: repoRoot,
    };
    const program = new Command('vaultctl').exitOverride();
    for (const c of [newBootstrapCommand(rt, deps), newDoctorCommand(rt, deps), newTeardownCommand(rt, deps)]) program.addCommand(c.exitOverride());
    let code = 0;
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch (err) {
      code = exitCodeOf(err);
      rt.stderr.write(formatError(err, { debug: true, secrets: rt.secrets }));
    }
    process.stderr.write(rt.err());
    return { code, out: rt.out(), err: rt.err() };
  }

  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'vaultctl-e2e-state-'));
  });
  let failed = false;
  afterAll(() => {
    // VAULTCTL_E2E_KEEP=on-failure (the e2e workflow) leaves a failed run's cluster for the state dump.
    deleteClusterUnlessKept(name, failed);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('bootstraps the lab, converges on a re-run, passes doctor, and tears down twice', async ({ onTestFailed }) => {
    onTestFailed(() => { failed = true; });
    const first = await vaultctl(['bootstrap', '--name', name, ...retainArgs(process.env)]);
    expect(first.code).toBe(0);
    expect(first.err).toContain(`Lab ready: context kind-${name}`);
    // The node runs the pinned Kubernetes (kind.ts says why 1.34), not kind's default 1.36.
    const kubelet = execFileSync('kubectl', ['--context', `kind-${name}`, 'get', 'nodes', '-o', 'jsonpath={.items[*].status.nodeInfo.kubeletVersion}'], { encoding: 'utf8' });
    expect(kubelet.trim()).toBe(/^kindest\/node:(v[\d.]+)@/.exec(KIND_NODE_IMAGE)?.[1]);

    const again = await vaultctl(['bootstrap', '--name', name]);
    expect(again.code).toBe(0);
    expect(again.err).toContain('already exists');
    expect(again.err).toContain('root token reused, admin password reused');

    const health = await vaultctl(['doctor']);
    expect(health.code).toBe(0);
    expect(health.err).toMatch(/✓ ExternalSecret .*Ready=True reason=SecretSynced/);

    const down = await vaultctl(['teardown']);
    expect(down.code).toBe(0);
    expect(execFileSync('kind', ['get', 'clusters'], { encoding: 'utf8' })).not.toContain(name);
    const twice = await vaultctl(['teardown']);
    expect(twice.code).toBe(0);
    expect(twice.err).toContain('Nothing to tear down');
  }, 30 * 60_000);
});
