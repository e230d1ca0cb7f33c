import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError, type ConfigIssue } from '../../../src/errors/errors.js';
import { ExitCode } from '../../../src/errors/exit-codes.js';
import { loadScenarioFile, parseScenario } from '../../../src/scenario/loader.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));
const fixture = (name: string) => `${FIXTURES}${name}`;

/** Loads a fixture that must be invalid and returns its issues as `line:col path: message`. */
async function issuesOf(name: string): Promise<ConfigIssue[]> {
  const err = await loadScenarioFile(fixture(name)).then(
    () => { throw new Error(`${name} loaded but should be invalid`); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  const issues = (err as ConfigError).issues;
  for (const i of issues) expect(i.file).toBe(fixture(name));
  return issues;
}
const where = (issues: ConfigIssue[]) => issues.map((i) => `${i.line}:${i.col} ${i.path}`);

describe('loadScenarioFile: invalid files report every issue at line:col', () => {
  it('points at an unknown key deep in the tree and suggests the right one', async () => {
    const issues = await issuesOf('invalid-unknown-key.yaml');
    expect(where(issues)).toEqual(['8:5 workload.readiness.perod']);
    expect(issues[0].message).toContain('unknown key "perod" (did you mean "period"?)');
  });

  it('points at a bad duration value', async () => {
    const issues = await issuesOf('invalid-bad-duration.yaml');
    expect(where(issues)).toEqual(['6:13 load.duration']);
    expect(issues[0].message).toMatch(/expected a duration such as 500ms/);
  });

  it('points at a value of the wrong type', async () => {
    const issues = await issuesOf('invalid-wrong-type.yaml');
    expect(where(issues)).toEqual(['6:13 workload.replicas']);
    expect(issues[0].message).toBe('expected number, received string');
  });

  it('points at the parent map for a missing required key', async () => {
    const issues = await issuesOf('invalid-missing-duration.yaml');
    expect(where(issues)).toEqual(['6:3 load.duration']);
    expect(issues[0].message).toBe('required key "duration" is missing');
  });

  it('reports a bad threshold expression at the expression', async () => {
    const issues = await issuesOf('invalid-threshold.yaml');
    expect(where(issues)).toEqual(['9:5 thresholds[1]']);
    expect(issues[0].message).toContain('"rollout.failure_rate ~ 1%"');
  });

  it('reports a wrong apiVersion as one issue naming the supported one', async () => {
    const issues = await issuesOf('invalid-api-version.yaml');
    // The unknown metadata key is not reported: the file is in a format this version cannot read.
    expect(where(issues)).toEqual(['1:13 apiVersion']);
    expect(issues[0].message).toContain('vaultctl.dev/v1alpha1');
  });

  it('reports a YAML syntax error with its position', async () => {
    const issues = await issuesOf('invalid-yaml-syntax.yaml');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 7, col: 1, path: '' });
    expect(issues[0].message).toMatch(/^YAML syntax error: /);
  });

  it('requires via: file for reload: signal', async () => {
    const issues = await issuesOf('invalid-signal-without-file.yaml');
    expect(where(issues)).toEqual(['7:11 delivery.reload']);
    expect(issues[0].message).toContain('via: file');
  });

  it('rejects rotation offsets at or after the end of the load', async () => {
    const issues = await issuesOf('invalid-rotation-after-load.yaml');
    expect(where(issues)).toEqual(['8:12 rotations.at[1]', '9:12 rotations.revoke[0]']);
  });

  it('collects schema, threshold and semantic errors of one file together, in file order', async () => {
    const issues = await issuesOf('invalid-many-errors.yaml');
    expect(where(issues)).toEqual([
      '4:9 metadata.name',
      '5:9 target',
      '7:13 workload.replicas',
      '8:13 workload.maxSurge',
      '12:5 workload.pool.maxLifeTime',
      '14:3 load.duration',
      '15:12 load.timeout',
      '19:16 thresholds[0].threshold',
      '20:18 thresholds[0].abortOnFail',
    ]);
    expect(issues[3].message).toContain('cannot both be 0');
    expect(issues[6].message).toContain('5ms or 5s');
    const err = (await loadScenarioFile(fixture('invalid-many-errors.yaml')).catch((e: unknown) => e)) as ConfigError;
    expect(err.exitCode).toBe(ExitCode.InvalidConfig);
    expect(err.message).toContain('invalid scenario (9 errors)');
    expect(err.message).toContain(`${fixture('invalid-many-errors.yaml')}:12:5 workload.pool.maxLifeTime: unknown key`);
  });

  it('rejects multi-document and empty files', async () => {
    expect(where(await issuesOf('invalid-multi-document.yaml'))).toEqual(['7:1 ']);
    const empty = await issuesOf('invalid-empty.yaml');
    expect(empty).toMatchObject([{ line: 1, col: 1, path: '' }]);
    expect(empty[0].message).toContain('empty');
  });
});

describe('parseScenario: header and odd documents', () => {
  const issues = (text: string) => {
    try {
      parseScenario(text, 'x.yaml');
    } catch (e) {
      return (e as ConfigError).issues;
    }
    throw new Error('expected a ConfigError');
  };

  it('names a missing apiVersion and a wrong kind, and nothing else', () => {
    expect(issues('kind: Pod\nmetadata: {}\n')).toEqual([
      { file: 'x.yaml', line: 1, col: 1, path: 'apiVersion', message: 'missing apiVersion: add "apiVersion: vaultctl.dev/v1alpha1"' },
      { file: 'x.yaml', line: 1, col: 7, path: 'kind', message: 'unsupported kind "Pod": expected Scenario' },
    ]);
  });

  it('rejects a document that is not a mapping', () => {
    expect(issues('- a\n- b\n')).toMatchObject([{ line: 1, col: 1, path: '' }]);
  });

  it('reports a duplicate key as a YAML error', () => {
    const text = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nkind: Scenario\n';
    expect(issues(text)).toMatchObject([{ line: 3, col: 1 }]);
  });

  it('points at a key with an empty value', () => {
    const text = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: a\nload:\n';
    expect(issues(text)).toMatchObject([{ line: 5, path: 'load', message: 'expected object, received null' }]);
  });
});

describe('loadScenarioFile: unreadable files', () => {
  it('raises a UsageError (exit 2) with the path and a hint for a missing file', async () => {
    const err = await loadScenarioFile('no/such/scenario.yaml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(ExitCode.Usage);
    expect((err as UsageError).message).toContain('no/such/scenario.yaml');
    expect((err as UsageError).hint).toContain('scenarios/');
  });

  it('uses the injected reader', async () => {
    const text = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: injected}\nload: {duration: 1s}\n';
    const s = await loadScenarioFile('virtual.yaml', async (p) => (p === 'virtual.yaml' ? text : ''));
    expect(s).toMatchObject({ name: 'injected', source: 'virtual.yaml', load: { durationMs: 1000 } });
  });
});
