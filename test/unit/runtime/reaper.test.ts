import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapLeftovers } from '../../../src/runtime/reaper.js';
import { startTimeOf } from '../../../src/runtime/proc.js';
import type { LedgerEntry } from '../../../src/runtime/run-ledger.js';

// The generic reaper: what a dead run's ledger names is stopped or removed, and nothing else.
describe('reapLeftovers', () => {
  let base: string;
  let runs: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'vaultctl-reaper-'));
    runs = join(base, 'state', 'runs');
    mkdirSync(runs, { recursive: true, mode: 0o700 });
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
  });

  /** A ledger of a run that is gone: pid 999999 with a start time no process has. */
  function deadLedger(entries: Omit<LedgerEntry, 'id'>[]): void {
    writeFileSync(join(runs, 'run-999999-1.json'), JSON.stringify({ version: 1, pid: 999999, startTime: '1',
      runId: 'dead-run', entries: entries.map((e, i) => ({ ...e, id: String(i) })) }), { mode: 0o600 });
  }

  function sleeper(env: Record<string, string> = {}): ChildProcess {
    const c = spawn('sleep', ['300'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
    children.push(c);
    return c;
  }
  /** Resolves when `c` has exited; rejects if it still runs after 5 s. */
  const exited = (c: ChildProcess) => new Promise((resolve, reject) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve(null);
    const t = setTimeout(() => reject(new Error('the process still runs')), 5000);
    c.once('exit', () => { clearTimeout(t); resolve(null); });
  });

  it('stops a child found only by its run marker (killed before its pid was written) and removes named dirs', async () => {
    const marked = sleeper({ VAULTCTL_RUN: 'dead-run' });
    const other = sleeper({ VAULTCTL_RUN: 'another-run' });
    const dir = join(base, 'vaultctl-creds-abc123');
    mkdirSync(dir);
    deadLedger([{ kind: 'process', label: 'replica r1' }, { kind: 'dir', path: dir }]);
    const lines: string[] = [];
    expect(await reapLeftovers({ dir: runs, log: (l) => lines.push(l) })).toBe(1);
    await exited(marked);
    expect(marked.signalCode).toBe('SIGTERM');
    expect(other.exitCode === null && other.signalCode === null).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(runs)).toEqual([]);
    expect(lines).toEqual(['cleaned up after vaultctl pid 999999 (killed by a signal?): 1 process, 1 dir']);
  });

  it('leaves a reused pid, a path without vaultctl\'s prefix and a symlink alone', async () => {
    const stranger = sleeper();
    const notOurs = join(base, 'important');
    mkdirSync(notOurs);
    const target = join(base, 'target');
    mkdirSync(target);
    symlinkSync(target, join(base, 'vaultctl-pg-link01'));
    // The pid is live, but its start time is not the one recorded: the pid was reused.
    const wrongStart = String(Number(startTimeOf(stranger.pid!)) - 1);
    deadLedger([{ kind: 'process', label: 'replica r1', pid: stranger.pid, startTime: wrongStart },
      { kind: 'dir', path: notOurs }, { kind: 'dir', path: join(base, 'vaultctl-pg-link01') }]);
    await reapLeftovers({ dir: runs });
    expect(stranger.exitCode === null && stranger.signalCode === null).toBe(true);
    expect(existsSync(notOurs)).toBe(true);
    expect(existsSync(join(target))).toBe(true);
    expect(readdirSync(runs)).toEqual([]);
  });
});
