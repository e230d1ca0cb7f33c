import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runStackCommand, tempStateDir } from '../../support/stack-harness.js';
import { ExternalError, PrerequisiteError } from '../../../src/errors/errors.js';

let state: ReturnType<typeof tempStateDir>;
beforeEach(() => { state = tempStateDir(); });
afterEach(() => state.remove());

describe('bootstrap prerequisites', () => {
  it.each([
    ['docker', 'https://docs.docker.com/engine/install/'],
    ['kind', 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation'],
    ['helm', 'https://helm.sh/docs/intro/install/'],
    ['kubectl', 'https://kubernetes.io/docs/tasks/tools/#kubectl'],
  ])('missing %s: exit 3 with an install hint, nothing else runs', async (tool, url) => {
    const run = await runStackCommand(['bootstrap'], { stateDir: state.dir, script: (r) => r.on([tool], 'ENOENT') });
    expect(run.code).toBe(3);
    expect(run.error).toBeInstanceOf(PrerequisiteError);
    expect(run.stderr).toContain(`error: ${tool} is not installed (not found on PATH)`);
    expect(run.stderr).toContain(url);
    expect(run.runner.lines().some((l) => l.startsWith('kind get') || l.startsWith('helm upgrade'))).toBe(false);
  });

  it('a docker client without a running engine: exit 3', async () => {
    const run = await runStackCommand(['bootstrap'], {
      stateDir: state.dir,
      script: (r) => r.on(['docker', 'info'], { exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' }),
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('the Docker engine is not reachable');
    expect(run.stderr).toContain('Cannot connect to the Docker daemon');
  });

  it('with --kube-context docker and kind are not required', async () => {
    const run = await runStackCommand(['bootstrap', '--kube-context', 'existing'], {
      stateDir: state.dir,
      script: (r) => {
        r.on(['docker'], 'ENOENT').on(['kind'], 'ENOENT');
        r.on(['kubectl', 'cluster-info'], { exitCode: 1, stderr: 'The connection to the server was refused' });
      },
    });
    expect(run.runner.lines().some((l) => l.startsWith('docker') || l.startsWith('kind'))).toBe(false);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('command: kubectl --context existing cluster-info');
  });
});

describe('a failing bootstrap step', () => {
  it('exit 4 with the command line and its output, secrets redacted; diagnostics printed; the new cluster removed', async () => {
    const run = await runStackCommand(['bootstrap'], {
      stateDir: state.dir,
      script: (r) => r.on(['helm', 'upgrade', '--install', 'vault'], (argv) => ({
        exitCode: 1,
        // Output that echoes the secret back, as a chart error might.
        stderr: `Error: UPGRADE FAILED: values: ${argv.find((a) => a.startsWith('server.dev.devRootToken='))}`,
      })),
    });
    expect(run.code).toBe(4);
    expect(run.error).toBeInstanceOf(ExternalError);
    const secrets = run.rt.secrets.list();
    expect(secrets).toHaveLength(2);
    for (const s of secrets) expect(run.stdout + run.stderr).not.toContain(s);
    expect(run.stderr).toMatch(/command: helm upgrade --install vault hashicorp\/vault .*--set server\.dev\.devRootToken=\*\*\* /);
    expect(run.stderr).toContain('Error: UPGRADE FAILED: values: server.dev.devRootToken=***');
    expect(run.stderr).toMatch(/✗ Installing Vault/);
    const lines = run.runner.lines();
    expect(lines).toContain('kubectl --context kind-vaultctl logs statefulset/vault --namespace vault --all-containers --tail=100 --prefix');
    expect(lines).toContain('kubectl --context kind-vaultctl get events --namespace vault --sort-by=.lastTimestamp');
    expect(lines.at(-1)).toBe('kind delete cluster --name vaultctl');
    expect(existsSync(join(state.dir, 'state.json'))).toBe(false);
  });

  it('--retain keeps what was created and records it for teardown', async () => {
    const script = (r: import('../../support/fake-command-runner.js').FakeCommandRunner) =>
      r.on(['helm', 'upgrade', '--install', 'wave'], { exitCode: 1, stderr: 'Error: timed out waiting for the condition' });
    const run = await runStackCommand(['bootstrap', '--retain'], { stateDir: state.dir, script });
    expect(run.code).toBe(4);
    expect(run.runner.lines().some((l) => l.startsWith('kind delete'))).toBe(false);
    expect(run.stderr).toContain('--retain: keeping what this run created');

    const down = await runStackCommand(['teardown'], { stateDir: state.dir });
    expect(down.code).toBe(0);
    expect(down.runner.lines()).toEqual(['kind delete cluster --name vaultctl']);
    const again = await runStackCommand(['teardown'], { stateDir: state.dir });
    expect(again.code).toBe(0);
    expect(again.runner.calls).toEqual([]);
    expect(again.stderr).toContain('Nothing to tear down');
  });

  it('in an existing context a failure removes only the releases and namespaces this run created', async () => {
    const run = await runStackCommand(['bootstrap', '--kube-context', 'shared'], {
      stateDir: state.dir,
      script: (r) => {
        // The Vault namespace existed before; nothing else did.
        r.on(['kubectl', 'get', 'namespace/vault'], { stdout: 'namespace/vault' });
        r.on(['helm', 'status'], (argv) => (argv[2] === 'vault' ? {} : { exitCode: 1, stderr: 'Error: release: not found' }));
        r.on(['helm', 'upgrade', '--install', 'external-secrets'], { exitCode: 1, stderr: 'Error: CRDs failed' });
      },
    });
    expect(run.code).toBe(4);
    const lines = run.runner.lines();
    const cleanup = lines.slice(lines.findIndex((l) => l.includes('--sort-by=.lastTimestamp')) + 1);
    expect(cleanup).toEqual([
      // ESO's objects first (none here: its CRDs never came), while its controller could still remove their finalizers.
      'kubectl --context shared get customresourcedefinition externalsecrets.external-secrets.io pushsecrets.external-secrets.io ' +
        'secretstores.external-secrets.io vaultdynamicsecrets.generators.external-secrets.io generatorstates.generators.external-secrets.io ' +
        '--ignore-not-found --output name',
      'helm status external-secrets --kube-context shared --namespace external-secrets --output json',
      'kubectl --context shared delete namespace external-secrets --ignore-not-found --wait --timeout=300s',
      'kubectl --context shared delete namespace vaultctl-db --ignore-not-found --wait --timeout=300s',
    ]);
  });
});

describe('vaultctl doctor', () => {
  it('prerequisites only when no lab exists (exit 0)', async () => {
    const run = await runStackCommand(['doctor'], { stateDir: state.dir, script: (r) => r.on(['kind', 'get', 'clusters'], { stdout: '' }) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/✓ Prerequisites/);
    expect(run.stderr).toContain('No lab found');
  });

  it('one ✓/✗ line per component; exit 4 when one fails', async () => {
    const run = await runStackCommand(['doctor'], {
      stateDir: state.dir,
      createVaultApi: () => ({
        health: async () => ({ initialized: true, sealed: false, version: '2.0.4' }),
        read: async () => { throw new Error('unused'); }, write: async () => undefined, list: async () => [], delete: async () => {},
      }),
      script: (r) => {
        r.on(['kind', 'get', 'clusters'], { stdout: 'vaultctl\n' });
        r.on(['kubectl', 'get', 'pods'], { stdout: JSON.stringify({ items: [{ metadata: { name: 'wave-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }] }) });
        r.on(['kubectl', 'get', 'externalsecret/demo-app-db'], { stdout: JSON.stringify({ status: { conditions: [
          { type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'could not get secret data from provider' }] } }) });
        r.on(['kubectl', 'rollout', 'status'], { stdout: 'successfully rolled out' });
      },
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/✓ Vault vault\/vault: sys\/health: initialized=true sealed=false version 2\.0\.4/);
    expect(run.stderr).toMatch(/✓ Wave wave: pods ready: 1 ready/);
    expect(run.stderr).toMatch(/✗ ExternalSecret vaultctl-demo\/demo-app-db: Ready\/SecretSynced: Ready=False reason=SecretSyncedError/);
    expect(run.stderr).toMatch(/✓ Demo app vaultctl-demo\/demo-app: rollout/);
    expect(run.stderr).toContain("error: 1 of the lab's checks failed");
  });
});
