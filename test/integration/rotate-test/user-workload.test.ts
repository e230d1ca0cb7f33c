import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { leftovers, useRunDirs, processesMentioning, runVaultctl } from '../../support/cli-harness.js';

// workload.command + delivery via file + reload signal, end to end on real Postgres and processes.
const dirs = useRunDirs('vaultctl-results-');

describe('a user command as the workload, credentials by file and SIGHUP', () => {
  it('reloads every refresh without a rollout and without a failed request', async () => {
    const out = join(dirs.out, 'user');
    const { code, rt } = await runVaultctl(['rotate-test', 'test/fixtures/runs/user-command-signal.yaml', '--out', out]);
    expect(code, rt.err()).toBe(0);
    const events = readFileSync(join(out, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    const reloads = events.filter((e) => e.type === 'credentials_reloaded');
    // Refreshes at 2, 4, 6 and 8 s of the 9 s measured: every one re-rendered the file and signalled both replicas.
    expect(reloads.length).toBe(4);
    for (const r of reloads) expect(r.replicas).toBe(2);
    expect(events.some((e) => e.type === 'rollout_started')).toBe(false);
    // Leases of 6 s expired during the run, yet nothing failed: each replica had moved on in time.
    expect(events.filter((e) => e.type === 'lease_expired').length).toBeGreaterThan(0);
    expect(run.analysis.overall.requests).toBeGreaterThan(500);
    expect(run.analysis.overall.failures).toBe(0);
    expect(processesMentioning(dirs.tmp)).toEqual([]);
    expect(leftovers(dirs.tmp)).toEqual([]);
  });
});
