import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasEvent, leftovers, useRunDirs, processesMentioning, runVaultctl } from '../../support/cli-harness.js';

// Real runs (embedded Postgres, replicas, autocannon) of a shortened copy of
// test/fixtures/runs/single-ungraceful.yaml: 1 replica without graceful drain, so every rollout
// drops requests. With a threshold it crosses the run exits 99; without, 0; abortOnFail stops it early.
const dirs = useRunDirs('vaultctl-thresholds-');

function scenario(name: string, duration: string, thresholds = ''): string {
  const file = join(dirs.out, `${name}.yaml`);
  writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: ${name}}
delivery: {refreshInterval: 2s, reload: restart}
workload: {replicas: 1, maxSurge: 0, maxUnavailable: 1, gracefulDrain: false, querySleep: 20ms}
load: {rate: 100, connections: 10, duration: ${duration}, warmUp: 1s, timeout: 2s}
analysis: {settle: 500ms}
${thresholds}`);
  return file;
}

/** Our env without a job summary of the CI running these tests: runs here must not write to it. */
const baseEnv = (extra: Record<string, string> = {}) => ({ ...process.env, GITHUB_STEP_SUMMARY: undefined, ...extra });

const readRun = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));

function expectNothingLeft(): void {
  expect(processesMentioning(dirs.tmp)).toEqual([]);
  expect(leftovers(dirs.tmp)).toEqual([]);
}

describe('rotate-test with thresholds', () => {
  it('exits 99 when a scenario threshold is crossed, after writing results, verdict and job summary', async () => {
    const file = scenario('crossing', '5s', 'thresholds:\n  - rollout.failure_rate < 0.1%\n  - baseline.failure_rate == 0\n');
    const out = join(dirs.out, 'crossing');
    const summary = join(dirs.out, 'summary.md');
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out, '-q'],
      { env: baseEnv({ GITHUB_STEP_SUMMARY: summary }) });
    expect(code, rt.err()).toBe(99);
    expect(rt.err()).toMatch(/thresholds crossed: rollout 1 \((refresh)\): rollout\.failure_rate < 0\.1%/);
    // the table, then the verdict lines
    expect(rt.out()).toMatch(/crossing: \d+ rollouts?[\s\S]*thresholds:\n {2}✗ {2}rollout 1 \(refresh\)[\s\S]*verdict: FAIL/);
    const run = readRun(out);
    expect(run.status).toBe('completed');
    expect(run.verdict.pass).toBe(false);
    expect(run.verdict.results.filter((r: { pass: boolean }) => !r.pass).length).toBeGreaterThan(0);
    expect(readFileSync(summary, 'utf8')).toMatch(/^## ❌ vaultctl rotate-test: crossing/);
    // `report` on the same directory reaches the same verdict offline
    const again = await runVaultctl(['report', out], { env: { PATH: process.env.PATH } });
    expect(again.code).toBe(99);
    expectNothingLeft();
  });

  it('exits 0 for the same run without thresholds, and prints one JSON report with --format json', async () => {
    const file = scenario('no-thresholds', '5s');
    const out = join(dirs.out, 'no-thresholds');
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out, '-q', '--format', 'json'], { env: baseEnv() });
    expect(code, rt.err()).toBe(0);
    const doc = JSON.parse(rt.out());
    expect(doc.schemaVersion).toBe(1);
    expect(doc.runs).toHaveLength(1);
    expect(doc.runs[0].rollouts.length).toBeGreaterThan(0);
    expect(doc.runs[0].rollouts[0].failures).toBeGreaterThan(0);
    expect(doc.runs[0].verdict).toEqual({ pass: true, results: [] });
    expect(readRun(out).verdict).toEqual({ pass: true, results: [] });
    expectNothingLeft();
  });

  it('stops early when an abortOnFail threshold is crossed: status failed, exit 99, not 105', async () => {
    const file = scenario('abort', '40s', 'thresholds:\n  - {threshold: "rollout.failure_rate < 0.1%", abortOnFail: true}\n');
    const out = join(dirs.out, 'abort');
    const started = Date.now();
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out], { env: baseEnv() });
    expect(code, rt.err()).toBe(99);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(rt.err()).toContain('threshold crossed (abortOnFail): rollout 1: rollout.failure_rate < 0.1%');
    const run = readRun(out);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('abortOnFail');
    expect(run.measureToMs - run.measureFromMs).toBeLessThan(20_000);
    expect(run.verdict.pass).toBe(false);
    expectNothingLeft();
  });

  it('an interrupted run exits 105 even with a crossed --threshold', async () => {
    const file = scenario('interrupted', '30s');
    const out = join(dirs.out, 'interrupted');
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out, '-q', '--threshold', 'rollout.failure_rate < 0.1%'],
      // Interrupted once a rollout has completed (and, without graceful drain, crossed the threshold).
      { abortWhen: () => hasEvent(out, 'rollout_completed'), env: baseEnv() });
    expect(code, rt.err()).toBe(105);
    // stdout says how the run ended (after the partial table when the load had started): never PASS
    expect(rt.out()).toMatch(/^verdict: INTERRUPTED\b/m);
    expect(rt.out()).not.toContain('PASS');
    const run = readRun(out);
    expect(run.status).toBe('interrupted');
    if (run.verdict) expect(run.verdict).toMatchObject({ pass: false, incomplete: { kind: 'interrupted' } });
    expectNothingLeft();
  });

  it('rotations that all fail leave no rollout: the rollout thresholds and each failed rotation fail the run', async () => {
    // The second issue of this role fails (the table exists by then): every rotation fails, nothing rolls.
    const file = join(dirs.out, 'rotation-fails.yaml');
    writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: rotation-fails}
database:
  role:
    creationStatements:
      - CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';
      - GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";
      - CREATE TABLE issued_once (id int);
delivery: {refreshInterval: 2s, reload: restart}
workload: {replicas: 2}
load: {rate: 50, connections: 4, duration: 5s, warmUp: 1s, timeout: 2s}
thresholds: [rollout.failure_rate < 1%]
`);
    const out = join(dirs.out, 'rotation-fails');
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out, '-q'], { env: baseEnv() });
    expect(code, rt.err()).toBe(99);
    expect(rt.out()).toContain('rotation-fails: 0 rollouts');
    expect(rt.out()).toMatch(/warning: rotation at 2\.\ds \(refresh\) failed: .*issued_once/);
    expect(rt.out()).toContain('warning: expected rollouts, none observed');
    expect(rt.out()).toMatch(/✗ {2}rollouts: rollout\.failure_rate < 1% +nothing observed \(expected rollouts, none observed\)/);
    expect(rt.out()).toMatch(/\nverdict: FAIL \(\d+ of \d+ failed\)\n/);
    const run = readRun(out);
    expect(run.status).toBe('completed');
    expect(run.verdict.results.filter((r: { metric: string }) => r.metric === 'rotation.failed').length).toBeGreaterThanOrEqual(1);
    expectNothingLeft();
  });

  it('a malformed threshold in a scenario exits 104 with its file:line:col, before anything starts', async () => {
    const file = scenario('malformed', '5s', 'thresholds:\n  - rollout.failure_rate < 0.1%\n  - rollout.downtime ~ 1s\n');
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', join(dirs.out, 'never')], { env: baseEnv() });
    expect(code).toBe(104);
    expect(rt.err()).toContain(`${file}:10:5`);
    expect(rt.err()).toContain('rollout.downtime ~ 1s');
    const flag = await runVaultctl(['rotate-test', file, '--threshold', 'nope < 1'], { env: baseEnv() });
    expect(flag.code).toBe(2);
    expect(flag.rt.err()).toContain('nope < 1');
  });
});
