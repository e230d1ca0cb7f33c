import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasEvent, leftovers, runVaultctl, useRunDirs, waitFor } from '../../support/cli-harness.js';
import { childrenOf, namesIn, portRefuses, running, startCli } from '../../support/cli-process.js';

// Issue 9 fault 1: a SIGKILLed vaultctl cannot clean up, so the next run must, from the run
// ledger the killed one kept in the state dir: its replicas, Postgres, data dir, credentials dir.
const dirs = useRunDirs('vaultctl-leftovers-');

function scenario(name: string, body: string): string {
  const file = join(dirs.out, `${name}.yaml`);
  writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: ${name}}
${body}`);
  return file;
}

describe('leftovers of a SIGKILLed run', () => {
  it('are reaped by the next run: no process, data dir, credentials dir or ledger left, its Postgres port closed', async () => {
    const killed = scenario('killed', `delivery: {refreshInterval: 30s, via: file, reload: signal}
workload: {replicas: 3}
load: {rate: 20, connections: 2, duration: 120s, timeout: 2s}`);
    const out = join(dirs.out, 'killed');
    const env = { ...process.env, TMPDIR: dirs.tmp, VAULTCTL_STATE_DIR: process.env.VAULTCTL_STATE_DIR };
    const cli = startCli(['rotate-test', killed, '--out', out, '-q'], env);
    await Promise.race([
      waitFor('the load to start', 120_000, () => hasEvent(out, 'load_started')),
      cli.exited.then((c) => { throw new Error(`the run ended (${c}) before its load started:\n${cli.stderr()}`); }),
    ]);
    const pid = cli.child.pid!;
    const children = childrenOf(pid);
    const replicas = children.filter((c) => c.cmdline.some((a) => a.includes('demo-app')));
    const postgres = children.find((c) => c.cmdline.includes('-D'));
    expect(replicas).toHaveLength(3);
    expect(postgres).toBeDefined();
    const port = Number(postgres!.cmdline[postgres!.cmdline.indexOf('-p') + 1]);
    expect(namesIn(dirs.tmp, /^vaultctl-(pg|creds)-/)).toHaveLength(2);

    process.kill(pid, 'SIGKILL');
    expect(await cli.exited).toBe('SIGKILL');
    // What the fault is about: all of it outlives vaultctl.
    expect(children.filter((c) => running(c.pid))).toHaveLength(children.length);
    expect(await portRefuses(port)).toBe(false);

    const next = scenario('next', `delivery: {refreshInterval: 30s}
workload: {replicas: 1}
load: {rate: 20, connections: 2, duration: 2s, timeout: 2s}`);
    const { code, rt } = await runVaultctl(['rotate-test', next, '--out', join(dirs.out, 'next')], { env });
    expect(code, rt.err()).toBe(0);
    expect(rt.err()).toMatch(new RegExp(`cleaned up after vaultctl pid ${pid} \\(killed by a signal\\?\\): [4-9] processes, [2-9] dirs`));
    expect(children.filter((c) => running(c.pid)).map((c) => c.cmdline.join(' '))).toEqual([]);
    // Data dir, credentials dir, password file and both runs' ledgers are gone.
    expect(leftovers(dirs.tmp)).toEqual([]);
    // The killed run's issued role could log in as long as its Postgres ran; nothing answers now.
    expect(await portRefuses(port)).toBe(true);
  }, 240_000);
});
