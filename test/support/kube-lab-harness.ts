/**
 * rotate-test on `target: kubernetes` against the doubles: a lab in context mode whose kubectl is
 * scripted and whose port-forwards lead to the Vault double and a local app server, with the real
 * adapters (client-node, node-vault, autocannon) in between.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const repoRootDir = join(import.meta.dirname, '..', '..');
import type { RotateTestDeps } from '../../src/app/rotate-test.js';
import type { Target } from '../../src/targets/target.js';
import { kubernetesTarget } from '../../src/targets/kubernetes/kubernetes-target.js';
import { createNodeVaultApi } from '../../src/adapters/node-vault-api.js';
import { createKubeClient } from '../../src/adapters/kube-client.js';
import { scenarioLoad } from '../../src/adapters/load-generator.js';
import type { CommandRunner } from '../../src/ports/command-runner.js';
import type { StackState } from '../../src/stack/state.js';
import { FakeCommandRunner } from './fake-command-runner.js';
import type { VaultDouble } from './vault-double.js';
import type { KubeDouble } from './kube-double.js';

/** rotate-test's deps on a context-mode lab: the Vault token from "the cluster", port-forwards to the doubles. */
export function kubeLabDeps(o: { vault: VaultDouble; k: KubeDouble; appPort: number; loadJobLeadMs?: number }): RotateTestDeps {
  const fake = new FakeCommandRunner().on(['kubectl', 'get', 'statefulset/vault'], { stdout: o.vault.token });
  const runner: CommandRunner = {
    run: (argv, opts) => fake.run(argv, opts),
    start: (argv) => {
      const port = argv.includes('svc/vault') ? Number(new URL(o.vault.endpoint).port) : o.appPort;
      return { waitForLine: async (p) => `Forwarding from 127.0.0.1:${port} -> 1`.match(p) ?? [''], stop: async () => {} };
    },
  };
  const unused: Target = { prepare: () => { throw new Error('the local target is not used here'); } };
  return {
    version: '0.0.0-test',
    load: scenarioLoad,
    targets: {
      local: unused,
      kubernetes: kubernetesTarget({
        createRunner: () => runner,
        createKubeApi: () => createKubeClient({ kubeconfig: o.k.kubeconfig }),
        createVaultApi: (v) => createNodeVaultApi(v),
        readLoadWorkerBundle: () => readFile(join(repoRootDir, 'dist', 'load-worker', 'bundle.cjs'), 'utf8'),
        ...(o.loadJobLeadMs !== undefined ? { loadJobLeadMs: o.loadJobLeadMs } : {}),
      }),
    },
  };
}

/** Writes the state file of a context-mode lab (plus `strategies` installed); returns the env that points at it. */
export async function writeLabState(dir: string, strategies: StackState['strategies'] = []): Promise<Record<string, string>> {
  const stateDir = join(dir, 'state');
  await mkdir(stateDir);
  const state: StackState = { version: 1, mode: 'context', clusterName: 'vaultctl', kubeContext: 'double', createdCluster: false,
    namespaces: [], releases: [], hostPorts: {}, vault: { kind: 'port-forward', namespace: 'vault', service: 'vault', port: 8200 },
    app: { namespace: 'vaultctl-demo', deployment: 'demo-app', externalSecret: 'demo-app-db' }, strategies, updatedAt: '' };
  await writeFile(join(stateDir, 'state.json'), JSON.stringify(state));
  return { VAULTCTL_STATE_DIR: stateDir };
}
