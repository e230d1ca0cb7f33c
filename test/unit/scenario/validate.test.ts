import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateScenarios } from '../../../src/app/validate.js';
import { ConfigError, UsageError } from '../../../src/errors/errors.js';
import { runVaultctl } from '../../support/cli-harness.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/scenarios/${name}`, import.meta.url));
const QUICKSTART = fileURLToPath(new URL('../../../scenarios/local-quickstart.yaml', import.meta.url));

describe('validateScenarios', () => {
  it('logs one line per valid file', async () => {
    const lines: string[] = [];
    const r = await validateScenarios([QUICKSTART, fixture('valid-full.yaml')], { log: (l) => lines.push(l) });
    expect(r.valid).toEqual([QUICKSTART, fixture('valid-full.yaml')]);
    expect(lines).toEqual([
      `✓ ${QUICKSTART} (local-quickstart: local, 3 replicas, restart every 8s, 3 thresholds)`,
      `✓ ${fixture('valid-full.yaml')} (full-0: kubernetes, 2 replicas, signal every 15s, 2 forced rotations, 1 revocation, 4 thresholds)`,
      // A kubernetes scenario runs the lab's Deployment: the local-only keys it sets are named, not silently ignored.
      ...['46:16 workload.servicePort', '48:5 workload.service', '49:12 workload.command', '51:5 workload.env'].map((at) =>
        expect.stringMatching(new RegExp(`^  ⚠ .*valid-full\\.yaml:${at}: \\w+ applies to the local target only`))),
    ]);
  });

  it('throws one ConfigError with the issues of every invalid file', async () => {
    const files = [fixture('invalid-wrong-type.yaml'), QUICKSTART, fixture('invalid-unknown-key.yaml')];
    const err = await validateScenarios(files, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => [i.file, i.line, i.col, i.path])).toEqual([
      [files[0], 6, 13, 'workload.replicas'],
      [files[2], 8, 5, 'workload.readiness.perod'],
    ]);
    expect((err as ConfigError).hint).toContain('2 of 3 files');
  });

  it('a missing file wins over invalid ones (exit 2)', async () => {
    const err = await validateScenarios([fixture('invalid-wrong-type.yaml'), 'missing.yaml'], {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain('missing.yaml');
  });

  it('reads through the injected reader', async () => {
    const text = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: mem}\nload: {duration: 2s}\n';
    const lines: string[] = [];
    await validateScenarios(['mem.yaml'], { readFile: async () => text, log: (l) => lines.push(l) });
    expect(lines).toEqual(['✓ mem.yaml (mem: local, 3 replicas, no rotations)']);
  });

  it('needs at least one file', async () => {
    await expect(validateScenarios([], {})).rejects.toBeInstanceOf(UsageError);
  });

  it('refuses limits and zero values at their keys, with exit 104 from the CLI', async () => {
    const file = fixture('invalid-bounds.yaml');
    const err = await validateScenarios([file], {}).catch((e: unknown) => e);
    expect((err as ConfigError).issues.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual([
      '7:13 workload.replicas', '10:12 load.timeout', '11:13 load.duration', '13:8 analysis.bin',
    ]);
    const { code, rt } = await runVaultctl(['validate', file, fixture('invalid-alias-bomb.yaml')]);
    expect(code).toBe(104);
    expect(rt.err()).toContain(`${file}:7:13 workload.replicas: 10000 is over the limit of 50 replicas`);
    expect(rt.err()).toContain(`${file}:11:13 load.duration: load.warmUp + load.duration is 100000h, over the limit of 24h`);
    expect(rt.err()).toContain(`${fixture('invalid-alias-bomb.yaml')}:13:12 alias *c expands past`);
  });
});

describe('validate: delivery strategies', () => {
  it('names a strategy with its own timing, where ESO\'s would say "no rotations"', async () => {
    const lines: string[] = [];
    const file = fileURLToPath(new URL('../../../scenarios/local-init-renewer.yaml', import.meta.url));
    await validateScenarios([file], { log: (l) => lines.push(l) });
    expect(lines).toEqual([`✓ ${file} (local-init-renewer: local, 2 replicas, strategy init-renewer)`]);
  });
});
