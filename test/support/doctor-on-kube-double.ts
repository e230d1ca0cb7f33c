/**
 * doctor's component checks and bootstrap's failure diagnostics over the Kubernetes API double:
 * kubectl is answered from the double (kubectl-on-kube-double.ts), Vault is not reachable, and
 * every line the stack logs is kept. One per test: `use…` registers its beforeEach/afterEach.
 */
import { afterEach, beforeEach } from 'vitest';
import { defaultStackConfig } from '../../src/stack/config/normalize.js';
import { createStackContext, type StackContext } from '../../src/stack/bootstrap/context.js';
import { componentChecks } from '../../src/stack/health.js';
import { SecretRegistry } from '../../src/errors/redact.js';
import type { StackConfig } from '../../src/stack/stack-config.js';
import type { StackState } from '../../src/stack/state.js';
import { startKubeDouble, type KubeDouble } from './kube-double.js';
import { KubectlOnKubeDouble } from './kubectl-on-kube-double.js';

/** The double, its kubectl, the logged lines, and a stack context on them (with a state file when `previous` is given). */
export interface DoctorOnDouble {
  readonly double: KubeDouble;
  readonly runner: KubectlOnKubeDouble;
  readonly logged: string[];
  context(cfg?: StackConfig, previous?: Partial<StackState>): StackContext;
  /** doctor's check whose title starts with `prefix`. */
  check(ctx: StackContext, prefix: string): ReturnType<typeof componentChecks>[number];
}

export function useDoctorOnKubeDouble(): DoctorOnDouble {
  let double: KubeDouble;
  let runner: KubectlOnKubeDouble;
  let logged: string[] = [];
  beforeEach(async () => {
    double = await startKubeDouble();
    runner = new KubectlOnKubeDouble(double);
    logged = [];
  });
  afterEach(async () => double.close());
  return {
    get double() { return double; },
    get runner() { return runner; },
    get logged() { return logged; },
    context(cfg = defaultStackConfig(), previous) {
      const prior = previous ? {
        version: 1, mode: 'kind', clusterName: 'vaultctl', kubeContext: 'kind-vaultctl', createdCluster: true, namespaces: [], releases: [],
        hostPorts: {}, vault: { kind: 'nodeport', url: '' }, app: { namespace: 'vaultctl-demo' }, updatedAt: '', ...previous,
      } as StackState : undefined;
      return createStackContext({
        cfg, runner, secrets: new SecretRegistry(), log: (l) => logged.push(l), ...(prior ? { previous: prior } : {}),
        io: {
          createVaultApi: () => { throw new Error('no Vault in this test'); },
          sleep: async () => {}, now: () => 0, packageFile: (p) => p, readDemoAppBundle: async () => '',
        },
      });
    },
    check(ctx, prefix) {
      const found = componentChecks(ctx).find((c) => c.title.startsWith(prefix));
      if (!found) throw new Error(`doctor has no check starting "${prefix}"`);
      return found;
    },
  };
}
