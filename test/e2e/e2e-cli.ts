import { createTestRuntime } from '../support/test-runtime.js';
import { repoRoot } from '../support/cli-harness.js';
import { createCliDeps, runCli } from '../../src/cli/main.js';

/** The real CLI in-process for an e2e suite, with its own state dir; its stderr is passed through for the CI log. */
export function e2eVaultctl(stateDir: () => string): (args: string[]) => Promise<{ code: number; out: string; err: string }> {
  return async (args) => {
    const rt = createTestRuntime({ cwd: repoRoot, env: { ...process.env, VAULTCTL_STATE_DIR: stateDir(), NO_COLOR: '1' } });
    const code = await runCli(args, rt, createCliDeps());
    process.stderr.write(rt.err());
    return { code, out: rt.out(), err: rt.err() };
  };
}
