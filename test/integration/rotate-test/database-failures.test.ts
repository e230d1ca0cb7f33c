import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanAndRedacted, readRunFile, runVaultctl, useRunDirs } from '../../support/cli-harness.js';
import type { RunEvent } from '../../../src/ports/events.js';

// The database side of a run failing for real: a postmaster killed under load, and an issuer whose
// creation statements fail. Real embedded Postgres, replicas, proxy and load.
const dirs = useRunDirs('vaultctl-db-failures-');

function readEvents(out: string): RunEvent[] {
  const file = join(out, 'events.ndjson');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent);
}

async function until<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The postmaster pid of the run's embedded Postgres, from the data dir in the private TMPDIR. */
function postmasterPid(): number | undefined {
  for (const name of readdirSync(dirs.tmp).filter((n) => n.startsWith('vaultctl-pg-'))) {
    const file = join(dirs.tmp, name, 'postmaster.pid');
    if (existsSync(file)) return Number(readFileSync(file, 'utf8').split('\n')[0]);
  }
  return undefined;
}

describe('rotate-test when the database fails', () => {
  it('a postmaster SIGKILLed under load ends the run at once with exit 4, the reason, the results so far, and nothing left', async () => {
    const file = join(dirs.out, 'pg-killed.yaml');
    writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: pg-killed}
delivery: {refreshInterval: 3s}
workload: {replicas: 2, querySleep: 5ms}
load: {rate: 50, connections: 2, duration: 20s, timeout: 2s}
`);
    const out = join(dirs.out, 'pg-killed');
    const running = runVaultctl(['rotate-test', file, '--out', out]);
    await until('the load to start', 60_000, () => readEvents(out).find((e) => e.type === 'load_started'));
    // Under load with requests recorded: the first checkpoint (~5 s into the load) says so.
    await until('a checkpoint with requests', 60_000, () => ((readRunFile(out)?.analysis?.overall?.requests ?? 0) > 0 || undefined));
    const pid = await until('the postmaster pid', 5000, postmasterPid);
    process.kill(pid, 'SIGKILL');
    const { code, rt } = await running;

    expect(code, rt.err()).toBe(4);
    expect(rt.err()).toMatch(/error: Postgres exited unexpectedly \(signal SIGKILL\)/);
    expect(rt.err()).toContain('terminating connection due to unexpected postmaster exit');
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/Postgres exited unexpectedly \(signal SIGKILL\)/);
    // What was recorded before the failure is kept.
    const timeline = JSON.parse(readFileSync(join(out, 'timeline.json'), 'utf8')) as { ok: number[] };
    expect(timeline.ok.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // ...and analysed up to the failure: the table and verdict say what was measured, never PASS.
    expect(run.analysis.overall.requests).toBeGreaterThan(0);
    expect(run.verdict.pass).toBe(false);
    expect(rt.out()).toMatch(/verdict: (INCOMPLETE|FAIL)/);
    // The issuer could not revoke leases in a dead database; that is not a second failure.
    expect(rt.err()).not.toMatch(/✗ Cleaning up/);

    const events = readEvents(out);
    const started = events.find((e) => e.type === 'load_started')!;
    const failed = events.find((e) => e.type === 'database_failed');
    const finished = events.find((e) => e.type === 'load_finished')!;
    expect(failed?.type === 'database_failed' && failed.message).toMatch(/^Postgres exited unexpectedly \(signal SIGKILL\); last log lines:/);
    // Killed ~5 s into a 20 s load: the load stops within a second of the failure, not at its end.
    expect(finished.t - failed!.t).toBeLessThan(1000);
    expect(finished.t - started.t).toBeLessThan(15_000);
    expect(events.filter((e) => e.type === 'database_failed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'rotation_triggered' && e.t > failed!.t)).toEqual([]);

    // The killed postmaster could not remove its System V shared memory; the run did.
    const shm = readFileSync('/proc/sysvipc/shm', 'utf8').split('\n').slice(1).map((row) => row.trim().split(/\s+/).map(Number));
    expect(shm.filter((f) => f[4] === pid)).toEqual([]);
    expectCleanAndRedacted(rt, out, dirs.tmp);
  }, 90_000);

  it('rotations that cannot be issued or rolled out are rotation_failed events with their trigger, redacted', async () => {
    const out = join(dirs.out, 'second-issue-fails');
    const { code, rt } = await runVaultctl(['rotate-test', 'test/fixtures/runs/second-issue-fails.yaml', '--out', out]);
    // A failed rotation fails the verdict: thresholds crossed, not an external failure of the run.
    expect(code, rt.err()).toBe(99);

    const events = readEvents(out);
    const triggered = events.flatMap((e) => (e.type === 'rotation_triggered' ? [e.trigger] : []));
    const failed = events.flatMap((e) => (e.type === 'rotation_failed' ? [e] : []));
    // refresh every 2 s of a 7 s load (2, 4, 6 s) and the forced one at 3 s: each one fails.
    expect(triggered).toEqual(['refresh', 'at', 'refresh', 'refresh']);
    expect(failed.map((e) => e.trigger).sort()).toEqual([...triggered].sort());
    // The 2 s refresh got credentials that cannot log in: its rollout started and failed.
    // Its new replica was restarted until the rollout's progress deadline, then the rollout was abandoned.
    const rolled = failed.filter((e) => /^rollout to revision 2 made no progress within workload\.progressDeadline \(3s\) and was abandoned; last failure: replica r\d+ was not ready within 1\.5s/.test(e.message));
    expect(rolled.map((e) => e.trigger)).toEqual(['refresh']);
    expect(events.filter((e) => e.type === 'rollout_started')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'rollout_completed')).toEqual([]);
    // The others were refused at issue; Postgres quoted the password back, the event has *** instead.
    const refused = failed.filter((e) => !rolled.includes(e));
    expect(refused).toHaveLength(3);
    for (const e of refused) {
      expect(e.message).toMatch(/creating a role for database\/creds\/app\/\S+ failed at statement 4 of 4: P0001 refusing issue \d+ of role \S+ with password \*\*\*$/);
    }
    expect(events.filter((e) => e.type === 'credentials_issued')).toHaveLength(2);
    expect(rt.err()).toMatch(/! rotation at 2\.\ds \(refresh\) failed: rollout to revision 2 made no progress/);
    expect(rt.err()).toMatch(/! rotation at 3\.\ds \(at\) failed: creating a role/);
    expectCleanAndRedacted(rt, out, dirs.tmp);
  }, 90_000);
});
