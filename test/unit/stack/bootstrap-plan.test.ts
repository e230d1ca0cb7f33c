import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runStackCommand, tempStateDir } from '../../support/stack-harness.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';
import { createNodeVaultApi } from '../../../src/adapters/node-vault-api.js';
import { readState } from '../../../src/stack/state.js';

const GOLDEN = join(import.meta.dirname, '..', '..', 'golden', 'stack', 'bootstrap-plan.txt');

/** Compares with the golden file; UPDATE_GOLDEN=1 rewrites it. */
function expectGolden(text: string): void {
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
    mkdirSync(dirname(GOLDEN), { recursive: true });
    writeFileSync(GOLDEN, text);
  }
  expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
}

describe('vaultctl bootstrap --dry-run', () => {
  let state: ReturnType<typeof tempStateDir>;
  beforeEach(() => { state = tempStateDir(); });
  afterEach(() => state.remove());

  it('prints the whole plan (commands, manifests, Vault calls) and runs nothing', async () => {
    const run = await runStackCommand(['bootstrap', '--dry-run'], { stateDir: state.dir });
    expect(run.code).toBe(0);
    expect(run.runner.calls).toEqual([]);
    expect(existsSync(join(state.dir, 'state.json'))).toBe(false);
    // The generated token and password were registered and never printed.
    expect(run.rt.secrets.list()).toHaveLength(2);
    for (const s of run.rt.secrets.list()) expect(run.stdout + run.stderr).not.toContain(s);
    expectGolden(run.stdout);
  });

  it('with --kube-context: no docker or kind, Vault through kubectl port-forward', async () => {
    const run = await runStackCommand(['bootstrap', '--dry-run', '--kube-context', 'prod-like'], { stateDir: state.dir });
    expect(run.code).toBe(0);
    const commands = run.stdout.split('\n').filter((l) => l.startsWith('$ '));
    expect(commands.some((l) => /^\$ (docker|kind) /.test(l))).toBe(false);
    expect(commands).toContain('$ kubectl --context prod-like cluster-info --request-timeout=20s');
    expect(commands.some((l) => l.startsWith('$ kubectl --context prod-like port-forward svc/vault :8200'))).toBe(true);
    expect(commands.filter((l) => l.startsWith('$ helm upgrade')).every((l) => l.includes('--kube-context prod-like'))).toBe(true);
  });
});

describe('vaultctl bootstrap against a lab that is already installed', () => {
  let state: ReturnType<typeof tempStateDir>;
  let double: VaultDouble | undefined;
  beforeEach(() => { state = tempStateDir(); });
  afterEach(async () => {
    await double?.close();
    double = undefined;
    state.remove();
  });

  it('converges: no kind create, secrets reused from the cluster, every Vault write idempotent', async () => {
    double = await startVaultDouble();
    const d = double;
    const adminPassword = 'existing-Admin-pw-42';
    const script = (r: import('../../support/fake-command-runner.js').FakeCommandRunner) => {
      r.on(['kind', 'get', 'clusters'], { stdout: 'other\nvaultctl\n' });
      r.on(['helm', 'status'], (argv) => ({ stdout: JSON.stringify({ name: argv[2], info: { status: 'deployed' }, version: 3 }) }));
      r.on(['kubectl', 'get', 'statefulset/vault'], { stdout: d.token });
      r.on(['kubectl', 'get', 'secret/postgres-admin'], { stdout: Buffer.from(adminPassword).toString('base64') });
      r.on(['kubectl', 'get'], (argv) => (argv.some((a) => a.startsWith('namespace/')) ? { stdout: argv.find((a) => a.startsWith('namespace/')) } : {}));
    };
    const vaultApi = (o: { endpoint: string; token: string }) => {
      expect(o.endpoint).toBe('http://127.0.0.1:8200');
      return createNodeVaultApi({ endpoint: d.endpoint, token: o.token });
    };
    const first = await runStackCommand(['bootstrap'], { stateDir: state.dir, script, createVaultApi: vaultApi });
    expect(first.stderr).not.toMatch(/✗/);
    expect(first.code).toBe(0);
    const second = await runStackCommand(['bootstrap'], { stateDir: state.dir, script, createVaultApi: vaultApi });
    expect(second.code).toBe(0);

    for (const run of [first, second]) {
      const lines = run.runner.lines();
      expect(lines.some((l) => l.startsWith('kind create'))).toBe(false);
      expect(lines.filter((l) => l.startsWith('helm upgrade --install')).length).toBe(3);
      // The token of the installed Vault is passed again, so helm does not restart Vault.
      expect(lines.find((l) => l.startsWith('helm upgrade --install vault'))).toContain(`server.dev.devRootToken=${d.token}`);
      expect(run.stderr).toContain('root token reused, admin password reused');
      expect(run.stderr).not.toContain(adminPassword);
    }
    // The second run hit "path is already in use" for both mounts and still succeeded.
    const secondRun = d.requests.slice(d.requests.length / 2).filter((r) => r.path !== 'sys/health').map((r) => `${r.method} ${r.path}`);
    expect(secondRun).toEqual([
      'POST sys/auth/kubernetes', 'POST auth/kubernetes/config', 'POST sys/policies/acl/db-app', 'POST auth/kubernetes/role/eso-db',
      'POST sys/mounts/database', 'POST database/config/app-db', 'POST database/roles/app',
    ]);
    expect(d.state.auths.size).toBe(1);
    expect(d.state.configs.get('database/app-db')?.password).toBe(adminPassword);

    const saved = await readState({ VAULTCTL_STATE_DIR: state.dir });
    expect(saved).toMatchObject({ mode: 'kind', clusterName: 'vaultctl', kubeContext: 'kind-vaultctl', createdCluster: false });
    expect(saved?.releases.every((r) => !r.created)).toBe(true);
    expect(readFileSync(join(state.dir, 'state.json'), 'utf8')).not.toContain(d.token);
  });
});
