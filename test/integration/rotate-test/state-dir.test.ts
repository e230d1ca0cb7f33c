import { describe, expect, it } from 'vitest';
import { chownSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leftovers, runVaultctl, useRunDirs } from '../../support/cli-harness.js';

// Issue 9 fault 2 through the CLI: a state dir another user owns (here `nobody`, the tests run as
// root) is refused before anything starts, with exit 3 and the way out.
const dirs = useRunDirs('vaultctl-state-dir-');

describe('a foreign state dir', () => {
  it.runIf(process.getuid?.() === 0)('makes rotate-test exit 3 naming the dir and the fix, writing nothing', async () => {
    const foreign = join(dirs.out, 'foreign-state');
    mkdirSync(join(foreign, 'runs'), { recursive: true, mode: 0o755 });
    const victim = join(dirs.out, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(foreign, 'runs', 'planted'));
    chownSync(join(foreign, 'runs'), 65534, 65534);
    chownSync(foreign, 65534, 65534);
    const file = join(dirs.out, 'foreign.yaml');
    writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: foreign}
workload: {replicas: 1}
load: {rate: 20, connections: 2, duration: 2s, timeout: 2s}
`);
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', join(dirs.out, 'run')],
      { env: { ...process.env, VAULTCTL_STATE_DIR: foreign } });
    expect(code, rt.err()).toBe(3);
    expect(rt.err()).toContain(`refusing to use ${foreign} for vaultctl state: it is owned by uid 65534`);
    expect(rt.err()).toMatch(/hint: remove it or set VAULTCTL_STATE_DIR/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readdirSync(join(foreign, 'runs'))).toEqual(['planted']);
    // Refused before Postgres or anything else was started.
    expect(leftovers(dirs.tmp)).toEqual([]);
  }, 60_000);
});
