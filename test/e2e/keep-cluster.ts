import { execFileSync } from 'node:child_process';

/**
 * Whether an e2e suite leaves its kind cluster behind, from `VAULTCTL_E2E_KEEP`:
 * - `1`: always (debugging by hand, like ESO's E2E_SKIP_GLOBAL_TEARDOWN);
 * - `on-failure`: only when a test of the suite failed, so that a later CI step can dump the
 *   cluster's state (.github/workflows/e2e.yml) and a final step deletes it;
 * - anything else: never.
 */
export function keepCluster(env: NodeJS.ProcessEnv, failed: boolean): boolean {
  const mode = env.VAULTCTL_E2E_KEEP;
  return mode === '1' || (mode === 'on-failure' && failed);
}

/**
 * `bootstrap` removes the cluster it created when a step fails; `--retain` keeps it for the state
 * dump whenever the suite may keep its cluster.
 */
export function retainArgs(env: NodeJS.ProcessEnv): string[] {
  return env.VAULTCTL_E2E_KEEP === '1' || env.VAULTCTL_E2E_KEEP === 'on-failure' ? ['--retain'] : [];
}

/** The afterAll of an e2e suite: deletes its kind cluster unless {@link keepCluster} says keep. */
export function deleteClusterUnlessKept(name: string, failed: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (keepCluster(env, failed)) {
    process.stderr.write(`VAULTCTL_E2E_KEEP=${env.VAULTCTL_E2E_KEEP}: keeping kind cluster ${name} (context kind-${name})\n`);
    return;
  }
  try { execFileSync('kind', ['delete', 'cluster', '--name', name], { stdio: 'inherit' }); } catch { /* already gone */ }
}
