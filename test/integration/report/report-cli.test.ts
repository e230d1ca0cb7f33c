import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDir, runVaultctl } from '../../support/cli-harness.js';
import { findAll, parseXml } from '../../support/xml-check.js';

// `vaultctl report` through the whole CLI on the committed results directories: exit codes,
// threshold overrides, several runs, --out, env variables and $GITHUB_STEP_SUMMARY.
const PASSING = 'test/fixtures/results/graceful-three';
const FAILING = 'test/fixtures/results/single-ungraceful';
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'vaultctl-report-'));
});
afterAll(() => removeDir(work));

/** The test's own environment: nothing inherited that could change the output. */
const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH, ...extra });

describe('vaultctl report', () => {
  it('exits 0 for a run that meets its thresholds, with the table and verdict on stdout', async () => {
    const { code, rt } = await runVaultctl(['report', PASSING], { env: env() });
    expect(code, rt.err()).toBe(0);
    expect(rt.out()).toContain('graceful-three: 3 rollouts');
    expect(rt.out()).toContain('verdict: PASS');
    expect(rt.err()).toBe('');
  });

  it('exits 99 for a run that crosses one, after writing the report, naming each failing rollout', async () => {
    const { code, rt } = await runVaultctl(['report', FAILING], { env: env() });
    expect(code).toBe(99);
    expect(rt.out()).toContain('verdict: FAIL (3 of 12 failed)');
    expect(rt.err()).toContain('thresholds crossed: rollout 1 (refresh): rollout.failure_rate < 0.1%');
    expect(rt.err()).toContain('rollout 3 (refresh): rollout.failure_rate < 0.1%');
  });

  it('lets --threshold replace the scenario threshold of the same metric', async () => {
    const { code, rt } = await runVaultctl(['report', FAILING, '--threshold', 'rollout.failure_rate < 50%'], { env: env() });
    expect(code, rt.err()).toBe(0);
    expect(rt.out()).toContain('rollout.failure_rate < 50%');
    expect(rt.out()).not.toContain('rollout.failure_rate < 0.1%');
    // a new metric is added to the scenario's, and can fail on its own
    const added = await runVaultctl(['report', PASSING, '--threshold', 'rollout.duration < 900ms'], { env: env() });
    expect(added.code).toBe(99);
    expect(added.rt.err()).toContain('rollout 1 (refresh): rollout.duration < 900ms');
  });

  it('reads thresholds and format from the environment (VAULTCTL_THRESHOLDS is ;-separated)', async () => {
    const { code, rt } = await runVaultctl(['report', FAILING], {
      env: env({ VAULTCTL_FORMAT: 'json', VAULTCTL_THRESHOLDS: 'rollout.failure_rate < 50%; leases.outstanding == 4' }),
    });
    expect(code, rt.err()).toBe(0);
    const doc = JSON.parse(rt.out());
    const expressions = doc.runs[0].verdict.results.map((r: { expression: string }) => r.expression);
    expect(expressions).toContain('leases.outstanding == 4');
    expect(expressions).toContain('rollout.failure_rate < 50%');
    // the command line wins over the environment
    const flag = await runVaultctl(['report', FAILING, '--format', 'text'], { env: env({ VAULTCTL_FORMAT: 'json' }) });
    expect(flag.rt.out()).toContain('verdict: FAIL');
  });

  it('exits 2 naming a malformed --threshold, a missing directory or a directory that is not results', async () => {
    const bad = await runVaultctl(['report', PASSING, '--threshold', 'rollout.failure_rate ~ 1%'], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.rt.err()).toContain('rollout.failure_rate ~ 1%');
    expect(bad.rt.out()).toBe('');
    const missing = await runVaultctl(['report', join(work, 'nope')], { env: env() });
    expect(missing.code).toBe(2);
    expect(missing.rt.err()).toContain('nope');
    const junk = join(work, 'junk');
    mkdirSync(junk);
    writeFileSync(join(junk, 'run.json'), '{"not": "a run"');
    const malformed = await runVaultctl(['report', junk], { env: env() });
    expect(malformed.code).toBe(2);
    expect(malformed.rt.err()).toContain(join(junk, 'run.json'));
    const torn = join(work, 'torn');
    cpSync(PASSING, torn, { recursive: true });
    writeFileSync(join(torn, 'timeline.json'), '{"version": 1, "binMs": 10, "binCount": -1}');
    const broken = await runVaultctl(['report', torn], { env: env() });
    expect(broken.code).toBe(2);
    expect(broken.rt.err()).toContain('timeline.json');
    const format = await runVaultctl(['report', PASSING, '--format', 'pdf'], { env: env() });
    expect(format.code).toBe(2);
  });

  it('compares two runs side by side in every format', async () => {
    const text = await runVaultctl(['report', FAILING, PASSING], { env: env() });
    expect(text.code).toBe(99);
    const columns = text.rt.out().split('\n').find((l) => l.startsWith('verdict '));
    expect(columns).toMatch(/^verdict\s+FAIL \(3\)\s+PASS$/);
    expect(text.rt.out()).toContain('single-ungraceful: 3 rollouts');
    expect(text.rt.out()).toContain('graceful-three: 3 rollouts');
    const json = JSON.parse((await runVaultctl(['report', FAILING, PASSING, '-f', 'json'], { env: env() })).rt.out());
    expect(json.runs.map((r: { label: string; verdict: { pass: boolean } }) => [r.label, r.verdict.pass]))
      .toEqual([['single-ungraceful', false], ['graceful-three', true]]);
    const junit = parseXml((await runVaultctl(['report', FAILING, PASSING, '-f', 'junit'], { env: env() })).rt.out());
    expect(findAll(junit, 'testsuite').map((s) => s.attrs.name)).toEqual(['vaultctl.single-ungraceful', 'vaultctl.graceful-three']);
    const same = JSON.parse((await runVaultctl(['report', PASSING, PASSING, '-f', 'json'], { env: env() })).rt.out());
    expect(same.runs.map((r: { label: string }) => r.label)).toEqual(['graceful-three', 'graceful-three#2']);
    const md = await runVaultctl(['report', FAILING, PASSING, '-f', 'markdown'], { env: env() });
    expect(md.rt.out()).toMatch(/^## ❌ vaultctl: 2 runs compared \(1 failed\)/);
  });

  it('ranks runs of distinct delivery strategies and recommends one, in text and JSON', async () => {
    const dirs = ['secret-sync-restart', 'agent-template', 'init-renewer'].map((s) => `test/fixtures/results-strategies/${s}`);
    const text = await runVaultctl(['report', ...dirs], { env: env() });
    // init-renewer's run crosses its thresholds (28P01 after max TTL): the comparison still prints, then exit 99.
    expect(text.code).toBe(99);
    expect(text.rt.out()).toMatch(/^3 strategies compared \(ranked by fewest failed requests/);
    expect(text.rt.out().split('\n').find((l) => l.startsWith('rank '))).toMatch(/^rank\s+1\s+2\s+3$/);
    expect(text.rt.out()).toContain('recommended: agent-template (0 failures, 0 restarts, 1 lease left); ' +
      'secret-sync-restart: 0 failures but 5 restarts, 6 leases left; init-renewer: 40 failures (http_5xx:28P01)');
    const json = JSON.parse((await runVaultctl(['report', ...dirs, '-f', 'json'], { env: env() })).rt.out());
    expect(json.comparison.strategies.map((s: { strategy: string; leasesLeft: number }) => [s.strategy, s.leasesLeft]))
      .toEqual([['agent-template', 1], ['secret-sync-restart', 6], ['init-renewer', 0]]);
  });

  it('writes --out instead of stdout and appends markdown to GITHUB_STEP_SUMMARY whatever the format', async () => {
    const out = join(work, 'junit.xml');
    const summary = join(work, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const { code, rt } = await runVaultctl(['report', FAILING, '--format', 'junit', '--out', out],
      { env: env({ GITHUB_STEP_SUMMARY: summary }) });
    expect(code).toBe(99);
    expect(rt.out()).toBe('');
    expect(findAll(parseXml(readFileSync(out, 'utf8')), 'failure')).toHaveLength(3);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## ❌ vaultctl rotate-test: single-ungraceful')).toBe(true);
    expect(text).toContain('| ❌ | `rollout.failure_rate < 0.1%` | rollout 1 (refresh) | 26.207% |');
    // a second report appends again
    await runVaultctl(['report', PASSING, '--out', join(work, 'x.txt')], { env: env({ GITHUB_STEP_SUMMARY: summary }) });
    expect(readFileSync(summary, 'utf8')).toContain('## ✅ vaultctl rotate-test: graceful-three');
    expect(readFileSync(join(work, 'x.txt'), 'utf8')).toContain('verdict: PASS');
  });

  it('renders html with the HTML renderer', async () => {
    const { code, rt } = await runVaultctl(['report', PASSING, '--format', 'html'], { env: env() });
    expect(code, rt.err()).toBe(0);
    expect(rt.out()).toMatch(/<html/i);
    expect(rt.out()).toContain('graceful-three');
  });
});
