import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leftovers, runVaultctl, useRunDirs, waitFor } from '../../support/cli-harness.js';
import { childrenOf, running, startCli } from '../../support/cli-process.js';

// Issue 9 fault 3: the Postgres admin password file that initdb reads was left behind after an
// interrupt or a kill during initdb, and never removed later.
const dirs = useRunDirs('vaultctl-initdb-');

/** The password file as it was (`.vaultctl-pg-*.pw`) or its private dir as it is (`vaultctl-pw-*`). */
const PASSWORD_FILE = /^(\.vaultctl-pg-.*\.pw|vaultctl-pw-.*)$/;
const passwordFiles = () => readdirSync(dirs.tmp).filter((n) => PASSWORD_FILE.test(n));

/** True while `pid` has a signal pending (not yet delivered to its handler). */
function signalsPending(pid: number): boolean {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return /^(SigPnd|ShdPnd):\s*0*[1-9a-f]/m.test(status);
}

function scenario(name: string): string {
  const file = join(dirs.out, `${name}.yaml`);
  writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: ${name}}
workload: {replicas: 1}
load: {rate: 20, connections: 2, duration: 2s, timeout: 2s}
`);
  return file;
}

/** Starts a run and resolves once initdb has its password file, with the run's children then. */
async function duringInitdb(name: string) {
  const cli = startCli(['rotate-test', scenario(name), '--out', join(dirs.out, name), '-q'], process.env);
  await Promise.race([
    waitFor('initdb to get its password file', 120_000, () => passwordFiles().length > 0),
    cli.exited.then((c) => { throw new Error(`the run ended (${c}) before initdb:\n${cli.stderr()}`); }),
  ]);
  return { cli, children: childrenOf(cli.child.pid!) };
}

describe('the initdb password file', () => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`is removed when the run is interrupted during initdb (${sig} to the process group, as Ctrl-C)`, async () => {
      const { cli } = await duringInitdb(`interrupted-${sig.toLowerCase()}`);
      process.kill(-cli.child.pid!, sig);
      expect(await cli.exited).toBe(105);
      expect(passwordFiles()).toEqual([]);
      expect(leftovers(dirs.tmp)).toEqual([]);
    }, 180_000);
  }

  it('is removed when vaultctl alone gets SIGTERM twice during initdb (it then exits without its cleanup)', async () => {
    const { cli } = await duringInitdb('terminated-twice');
    // A process manager's stop, repeated: initdb is not signalled and still runs when vaultctl exits.
    const pid = cli.child.pid!;
    process.kill(pid, 'SIGTERM');
    // Two signals pending at once are one: send the second once the first was taken.
    await waitFor('the first SIGTERM to be delivered', 10_000, () => !signalsPending(pid));
    process.kill(pid, 'SIGTERM');
    expect(await cli.exited).toBe(105);
    expect(passwordFiles()).toEqual([]);
    // What the hurried exit did leave (initdb's data dir) is the next run's to reap.
    const { code, rt } = await runVaultctl(['rotate-test', scenario('after'), '--out', join(dirs.out, 'after')]);
    expect(code, rt.err()).toBe(0);
    expect(leftovers(dirs.tmp)).toEqual([]);
  }, 180_000);

  it('left by a run SIGKILLed during initdb is removed by the next run, with initdb and its data dir', async () => {
    const { cli, children } = await duringInitdb('killed');
    process.kill(cli.child.pid!, 'SIGKILL');
    expect(await cli.exited).toBe('SIGKILL');
    expect(passwordFiles()).not.toEqual([]);
    const { code, rt } = await runVaultctl(['rotate-test', scenario('next'), '--out', join(dirs.out, 'next')]);
    expect(code, rt.err()).toBe(0);
    expect(rt.err()).toContain(`cleaned up after vaultctl pid ${cli.child.pid}`);
    expect(passwordFiles()).toEqual([]);
    expect(children.filter((c) => running(c.pid)).map((c) => c.cmdline.join(' '))).toEqual([]);
    expect(leftovers(dirs.tmp)).toEqual([]);
  }, 180_000);
});
