import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors.js';
import { ExitCode } from '../../../src/errors/exit-codes.js';
import { loadScenarioFile, parseScenario } from '../../../src/scenario/loader.js';
import { MAX_CONFIG_FILE_BYTES } from '../../../src/scenario/read-config-file.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/scenarios/${name}`, import.meta.url));
const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: y}\nload: {duration: 10s}\n';

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(() => { throw new Error('expected a ConfigError'); }, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).exitCode).toBe(ExitCode.InvalidConfig);
  return err as ConfigError;
}

describe('scenario file size', () => {
  it('refuses a file over 1 MiB at 1:1 without parsing it', async () => {
    // Valid YAML that the parser would happily chew through: a comment line repeated.
    const huge = HEAD + '# padding\n'.repeat(5 * 1024 * 1024 / 10);
    const err = await configError(loadScenarioFile('big.yaml', async () => huge));
    expect(err.issues).toEqual([{
      file: 'big.yaml', line: 1, col: 1, path: '',
      message: `the file is ${Buffer.byteLength(huge).toLocaleString('en-US')} bytes, over the limit of 1 MiB (1,048,576 bytes) for a scenario file`,
    }]);
    expect(err.message).toContain('invalid scenario (1 error)');
  });

  it('refuses a file on disk from its size, without reading it (a sparse 3 GB file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vaultctl-size-'));
    try {
      const file = join(dir, 'huge.yaml');
      writeFileSync(file, HEAD);
      truncateSync(file, 3 * 1024 ** 3);
      const err = await configError(loadScenarioFile(file));
      // The exact size comes from stat: reading 3 GB would take seconds and fail as a string too long.
      expect(err.issues).toMatchObject([{ file, line: 1, col: 1, message: expect.stringContaining('3,221,225,472 bytes, over the limit of 1 MiB') }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts bytes, not characters, and accepts a file of exactly 1 MiB', async () => {
    const rest = MAX_CONFIG_FILE_BYTES - HEAD.length - 2; // the '#' and the newline
    const exact = HEAD + '#' + 'é'.repeat(Math.floor(rest / 2)) + 'x'.repeat(rest % 2) + '\n';
    expect(Buffer.byteLength(exact)).toBe(MAX_CONFIG_FILE_BYTES);
    await expect(loadScenarioFile('ok.yaml', async () => exact)).resolves.toMatchObject({ name: 'y' });
    // Fewer characters than the limit, more bytes (é is two bytes in UTF-8).
    const over = exact.replace('#', '#éé');
    expect(over.length).toBeLessThan(MAX_CONFIG_FILE_BYTES);
    await configError(loadScenarioFile('over.yaml', async () => over));
  });
});

describe('YAML alias errors point at the alias', () => {
  it('a "billion laughs" points at the alias where the expansion passes the budget', async () => {
    const err = await configError(loadScenarioFile(fixture('invalid-alias-bomb.yaml')));
    // yaml stops at D's first *c: C's nine *b already stand for 100 nodes each.
    expect(err.issues).toMatchObject([{ line: 13, col: 12, path: '' }]);
    expect(err.issues[0].message).toBe('alias *c expands past yaml\'s limit of 100 aliased nodes (nested aliases: a "billion laughs")');
  });

  it('an alias to an undefined anchor points at the alias', () => {
    let issues: ConfigError['issues'] = [];
    try {
      parseScenario(HEAD + 'workload:\n  env: {A: *nope}\n', 'a.yaml');
    } catch (e) {
      issues = (e as ConfigError).issues;
    }
    expect(issues).toMatchObject([{ line: 6, col: 12, path: '', message: expect.stringContaining('nope') }]);
  });

  it('a few ordinary aliases still load', () => {
    const s = parseScenario(HEAD + 'workload:\n  env: {A: &v x, B: *v}\n', 'a.yaml');
    expect(s.workload.env).toEqual({ A: 'x', B: 'x' });
  });
});
