import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanAndRedacted, noStart, runVaultctl, useRunDirs } from '../../support/cli-harness.js';
import { distinctNames } from '../../../src/app/rotate-test.js';

// `--out` that cannot be used is a usage error before anything starts; what the user wrote as a
// secret never reaches run.json, and the results are readable by their owner only.
const dirs = useRunDirs('vaultctl-out-dir-');

function scenario(name: string, extra = ''): string {
  const file = join(dirs.out, `${name}.yaml`);
  writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: ${name}}
workload: {replicas: 1${extra ? `, env: {DB_PASSWORD: ${extra}-db-pw, API_KEY: k1, DEMO_NOTE: kept}` : ''}}
load:
  rate: 20
  connections: 2
  duration: 2s
  warmUp: 0s
  timeout: 2s
  request: {method: GET, path: /, headers: {Authorization: "Bearer ${extra || 'x'}-bearer-token", Accept: "*/*"}}
`);
  return file;
}

describe('rotate-test --out that cannot be used', () => {
  it('exits 2 naming the path and ENOTDIR when a part of the path is a file, starting nothing', async () => {
    const file = join(dirs.out, 'a-file');
    writeFileSync(file, 'mine');
    const flag = { started: false };
    const out = join(file, 'results');
    const { code, rt } = await runVaultctl(['rotate-test', scenario('blocked'), '--out', out], { deps: noStart(flag) });
    expect(code, rt.err()).toBe(2);
    expect(rt.err()).toContain(out);
    expect(rt.err()).toMatch(/ENOTDIR/);
    expect(rt.err()).not.toMatch(/this is a bug/);
    expect(flag.started).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('refuses every scenario\'s directory before the first one runs', async () => {
    const file = join(dirs.out, 'second-file');
    writeFileSync(file, '');
    const flag = { started: false };
    // The second scenario's directory, <out>/second, is the file itself: nothing may start.
    const { code, rt } = await runVaultctl(['rotate-test', scenario('first'), scenario('second-file'), '--out', dirs.out],
      { deps: noStart(flag) });
    expect(code, rt.err()).toBe(2);
    expect(rt.err()).toContain(file);
    expect(flag.started).toBe(false);
  });

  it.runIf(process.platform === 'linux')('exits 2 at once for a path under /proc', async () => {
    const flag = { started: false };
    const { code, rt } = await runVaultctl(['rotate-test', scenario('proc'), '--out', '/proc/1/x'], { deps: noStart(flag) });
    expect(code, rt.err()).toBe(2);
    expect(rt.err()).toMatch(/\/proc\/1\/x: E[A-Z]+ \(/);
    expect(flag.started).toBe(false);
  }, 10_000);
});

describe('rotate-test results', () => {
  it('masks secret headers and env in run.json and keeps the results private', async () => {
    const out = join(dirs.out, 'masked');
    const { code, rt } = await runVaultctl(['rotate-test', scenario('masked', 'zq81'), '--out', out, '--quiet']);
    expect([0, 99], rt.err()).toContain(code);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    // `k1` is too short for the SecretRegistry to redact: only masking the scenario hides it.
    expect(run.scenario.workload.env).toEqual({ DB_PASSWORD: '***', API_KEY: '***', DEMO_NOTE: 'kept' });
    expect(run.scenario.load.request.headers).toEqual({ Authorization: '***', Accept: '*/*' });
    expect(statSync(out).mode & 0o777).toBe(0o700);
    for (const f of ['run.json', 'events.ndjson', 'timeline.json']) expect(statSync(join(out, f)).mode & 0o777, f).toBe(0o600);
    // Registered for the run, so a log line or error quoting them is redacted too.
    expect(rt.secrets.list()).toEqual(expect.arrayContaining(['zq81-db-pw', 'Bearer zq81-bearer-token', 'zq81-bearer-token']));
    expectCleanAndRedacted(rt, out, dirs.tmp, ['zq81-db-pw', 'zq81-bearer-token']);
  }, 60_000);

  it('gives repeated scenario names distinct directories', () => {
    expect(distinctNames(['a', 'b', 'a', 'a', 'a-2'])).toEqual(['a', 'b', 'a-2', 'a-3', 'a-2-2']);
  });
});
