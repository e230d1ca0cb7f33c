import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanAndRedacted, readRunFile, runEvents, runVaultctl, useRunDirs } from '../../support/cli-harness.js';
import type { TimelineData } from '../../../src/recorder/timeline-data.js';

// The database's own account of a revocation (its log, read by vaultctl) against what the clients
// saw (the demo app's 503 with the SQLSTATE as cause), in the same run: real Postgres, replicas, load.
const dirs = useRunDirs('vaultctl-db-causes-');

/** Run-clock ms of the first and last bin whose requests failed with `cause`, from timeline.json. */
function httpSpan(timeline: TimelineData, cause: string): { first: number; last: number } {
  const bins = timeline.causes.filter((c) => c[2] === cause && c[3] > 0).map((c) => c[0]);
  return { first: Math.min(...bins) * timeline.binMs, last: (Math.max(...bins) + 1) * timeline.binMs };
}

describe('database-side causes', () => {
  it('a revocation shows in the database log and in the HTTP outcomes at the same moments (within 100 ms)', async () => {
    const file = join(dirs.out, 'revoke.yaml');
    // Vault's default revocation for a role without statements: grants revoked, sessions kept (42501 on each query);
    // the refresh at 7 s rolls the replicas onto new credentials and the errors stop.
    writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: revoke}
database: {role: {revocationStatements: []}}
delivery: {refreshInterval: 7s}
workload: {replicas: 2, preStop: 300ms, endpointPropagation: 100ms}
rotations: {revoke: [3s]}
load: {rate: 200, connections: 4, duration: 10s, warmUp: 1s}
`);
    const out = join(dirs.out, 'revoke');
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out]);
    expect(code, rt.err()).toBe(0);

    const db = runEvents(out).flatMap((e) => (e.type === 'database_errors' && e.code === '42501' ? [e] : []));
    expect(db.length).toBeGreaterThan(0);
    const timeline = JSON.parse(readFileSync(join(out, 'timeline.json'), 'utf8')) as TimelineData;
    const http = httpSpan(timeline, '42501');
    const dbFirst = Math.min(...db.map((e) => e.t));
    const dbLast = Math.max(...db.map((e) => e.lastT));
    // Both sides saw the outage start and end at the same moments: requests are binned by their scheduled
    // start, the database logs the failed query a few ms later.
    expect(Math.abs(dbFirst - http.first), `db ${dbFirst} vs http ${http.first}`).toBeLessThan(100);
    expect(Math.abs(dbLast - http.last), `db ${dbLast} vs http ${http.last}`).toBeLessThan(100);

    // Counted per window like the outcomes, and named in the report with what the code means.
    const run = readRunFile(out)!;
    const httpFailures: number = run.analysis.overall.byCause['http_5xx:42501'];
    expect(run.analysis.databaseCauses['42501']).toBeGreaterThan(0);
    expect(Math.abs(run.analysis.databaseCauses['42501'] - httpFailures)).toBeLessThanOrEqual(Math.max(5, httpFailures * 0.02));
    expect(rt.out()).toMatch(/database errors \(its own log\): .*42501×\d+.*permission denied/);
    expectCleanAndRedacted(rt, out, dirs.tmp);
  });
});
