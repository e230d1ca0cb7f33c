import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { createTestRuntime, type TestRuntime } from './test-runtime.js';
import { FakeCommandRunner } from './fake-command-runner.js';
import type { BootstrapDeps } from '../../src/app/bootstrap.js';
import type { VaultApi } from '../../src/ports/vault.js';
import type { LabStrategyTable } from '../../src/stack/strategies/index.js';
import { exitCodeOf } from '../../src/errors/errors.js';
import { formatError } from '../../src/errors/format.js';
import { newBootstrapCommand } from '../../src/cli/commands/bootstrap.js';
import { newTeardownCommand } from '../../src/cli/commands/teardown.js';
import { newDoctorCommand } from '../../src/cli/commands/doctor.js';

/** A stack command run in-process with a fake runner; `stderr` includes the formatted error. */
export interface StackRun {
  code: number;
  rt: TestRuntime;
  runner: FakeCommandRunner;
  error?: unknown;
  stdout: string;
  stderr: string;
}

/** Runs `vaultctl <args>` for the stack commands only, as runCli does (same error formatting). */
export async function runStackCommand(args: string[], opts: {
  stateDir: string;
  script?: (runner: FakeCommandRunner) => void;
  createVaultApi?: (o: { endpoint: string; token: string }) => VaultApi;
  env?: Record<string, string>;
  /** A virtual clock whose `sleep` advances it, for waits that must time out (default: real clock, instant sleep). */
  clock?: { now(): number; sleep(ms: number): Promise<void> };
  /** The lab strategies bootstrap installs from (default: the ones vaultctl ships). */
  labStrategies?: LabStrategyTable;
}): Promise<StackRun> {
  const base = createTestRuntime({ cwd: process.cwd(), env: { VAULTCTL_STATE_DIR: opts.stateDir, ...opts.env } });
  const clock = opts.clock;
  const rt: TestRuntime = clock ? { ...base, clock: { now: () => clock.now(), wallClock: () => new Date() } } : base;
  const runner = new FakeCommandRunner(rt.secrets);
  opts.script?.(runner);
  const deps: BootstrapDeps = {
    createRunner: () => runner,
    createVaultApi: opts.createVaultApi ?? (() => { throw new Error('no Vault in this test'); }),
    readDemoAppBundle: async () => '// demo app bundle\nconsole.log("hello");\n',
    packageRoot: '/opt/vaultctl',
    sleep: clock ? (ms) => clock.sleep(ms) : async () => {},
    ...(opts.labStrategies ? { labStrategies: opts.labStrategies } : {}),
  };
  const program = new Command('vaultctl').exitOverride();
  for (const c of [newBootstrapCommand(rt, deps), newTeardownCommand(rt, deps), newDoctorCommand(rt, deps)]) program.addCommand(c.exitOverride());
  let code = 0;
  let error: unknown;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    error = err;
    code = exitCodeOf(err);
    rt.stderr.write(formatError(err, { debug: false, secrets: rt.secrets }));
  }
  return { code, rt, runner, error, stdout: rt.out(), stderr: rt.err() };
}

/** A temp state dir, removed by the returned function. */
export function tempStateDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vaultctl-state-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What a fresh Vault answers bootstrap's configuration: nothing configured yet (as the dry-run plan's Vault, src/stack/bootstrap/plan.ts). */
export const emptyVault: VaultApi = {
  health: async () => ({ initialized: true, sealed: false }),
  read: async () => ({ lease_id: '', lease_duration: 0, renewable: false, data: null, warnings: null }),
  write: async () => undefined,
  list: async () => [],
  delete: async () => {},
};
