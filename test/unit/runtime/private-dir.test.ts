import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsafeStateDirError } from '../../../src/errors/errors.js';
import { readState, writeState, type StackState } from '../../../src/stack/state.js';
import { reapLeftovers } from '../../../src/runtime/reaper.js';

// Issue 9 fault 2: vaultctl (often root) must never write through a state directory or file that
// another user controls. Each case plants a symlink to a victim file and checks it is untouched.
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const state = { version: 1, mode: 'kind', clusterName: 'c' } as unknown as StackState;

describe('the private state directory', () => {
  let base: string;
  let victim: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'vaultctl-private-'));
    victim = join(base, 'victim');
    writeFileSync(victim, 'precious\n');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));
  const victimUnchanged = () => expect(readFileSync(victim, 'utf8')).toBe('precious\n');

  it.runIf(asRoot)('refuses a state dir owned by another user, even with a symlink planted at state.json', async () => {
    const dir = join(base, 'state');
    mkdirSync(dir, { mode: 0o755 });
    symlinkSync(victim, join(dir, 'state.json'));
    chownSync(dir, NOBODY, NOBODY);
    const err = await writeState({ VAULTCTL_STATE_DIR: dir }, state).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeStateDirError);
    expect((err as UnsafeStateDirError).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/owned by uid 65534/);
    expect((err as UnsafeStateDirError).hint).toMatch(/remove it or set VAULTCTL_STATE_DIR/);
    victimUnchanged();
  });

  it('refuses a state dir that is a symlink, and one that others may write to', async () => {
    const real = join(base, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, join(base, 'link'));
    await expect(writeState({ VAULTCTL_STATE_DIR: join(base, 'link') }, state)).rejects.toThrow(/symbolic link/);
    chmodSync(real, 0o777);
    await expect(writeState({ VAULTCTL_STATE_DIR: real }, state)).rejects.toThrow(/others may write to it \(mode 0777\)/);
    expect(readdirSync(real)).toEqual([]);
  });

  it('replaces a symlink planted at state.json (or at the old temp name) instead of writing through it', async () => {
    const dir = join(base, 'state');
    mkdirSync(dir, { mode: 0o700 });
    symlinkSync(victim, join(dir, 'state.json'));
    // Before the fix the temp file had this predictable name and writeFile followed the link.
    symlinkSync(victim, join(dir, `state.json.${process.pid}.tmp`));
    await expect(readState({ VAULTCTL_STATE_DIR: dir })).rejects.toThrow(/symbolic link/);
    await writeState({ VAULTCTL_STATE_DIR: dir }, state);
    victimUnchanged();
    expect(await readState({ VAULTCTL_STATE_DIR: dir })).toMatchObject({ clusterName: 'c' });
  });

  it.runIf(asRoot)('does not act on run ledgers in a runs dir another user owns', async () => {
    const runs = join(base, 'runs');
    mkdirSync(runs, { mode: 0o755 });
    const doomed = join(base, 'vaultctl-pg-doomed');
    mkdirSync(doomed);
    // A ledger of a dead "run" asking for a vaultctl-named dir to be removed.
    writeFileSync(join(runs, 'run-999999-1.json'), JSON.stringify({ version: 1, pid: 999999, startTime: '1', runId: 'x',
      entries: [{ id: 'a', kind: 'dir', path: doomed }] }));
    chownSync(runs, NOBODY, NOBODY);
    await expect(reapLeftovers({ dir: runs })).rejects.toBeInstanceOf(UnsafeStateDirError);
    expect(readdirSync(base)).toContain('vaultctl-pg-doomed');
  });
});
