import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanAndRedacted, readRunFile, repoRoot, runVaultctl, useRunDirs } from '../../support/cli-harness.js';

// A server vaultctl did not write: PostGraphile (npm postgraphile@4, a devDependency), a GraphQL API
// over Postgres. It takes its port and database as flags (placeholders), has no /ready (the probe
// POSTs a query), answers GET /graphql with 405 and database errors as HTTP 200 with an `errors`
// array (body errors), and exits at once on SIGTERM. Real Postgres, three replicas, rotations.
const dirs = useRunDirs('vaultctl-third-party-');

describe('a third-party server as the workload', () => {
  it('runs PostGraphile through placeholders and a POST probe: rollouts complete, body errors and the database\'s causes counted', async () => {
    // scenarios/local-postgraphile.yaml: Vault's own revocation at 4 s (grants revoked, sessions kept)
    // turns the GraphQL answers into 200s with `errors` (42501 in the database log) until the refresh
    // at 10 s rolls new credentials in. Its command is relative to the checkout, where this test runs.
    const file = join(repoRoot, 'scenarios', 'local-postgraphile.yaml');
    const out = join(dirs.out, 'postgraphile');
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out]);
    expect(code, rt.err()).toBe(0);

    const run = readRunFile(out)!;
    const a = run.analysis;
    expect(a.rollouts.length, rt.out()).toBeGreaterThanOrEqual(1);
    expect(a.rollouts.every((r: { completed: boolean }) => r.completed), rt.out()).toBe(true);
    // The revoked sessions' answers: HTTP 200 whose body carries `errors`.
    expect(a.overall.byKind.body_error, rt.out()).toBeGreaterThan(0);
    // What the database itself refused in the meantime.
    expect(Object.keys(a.databaseCauses ?? {}), rt.out()).toEqual(expect.arrayContaining(['42501']));
    expect(a.startup.replicas).toBeGreaterThanOrEqual(6);
    // Each replica's own output, kept with the results.
    const logs = readdirSync(join(out, 'replicas'));
    expect(logs.length).toBeGreaterThanOrEqual(3);
    expect(readFileSync(join(out, 'replicas', logs[0]), 'utf8')).toContain('PostGraphile');
    expectCleanAndRedacted(rt, out, dirs.tmp);
  });
});
