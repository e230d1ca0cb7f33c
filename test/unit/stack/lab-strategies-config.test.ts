import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../../src/errors/errors.js';
import { applyOverrides, defaultStackConfig, parseLabConfig } from '../../../src/stack/config/index.js';
import { selectedStrategies } from '../../../src/stack/strategies/index.js';
import { runStackCommand, tempStateDir } from '../../support/stack-harness.js';
import { STAND_INS } from '../../support/lab-strategy-stand-ins.js';

// Issue 12: `strategies:` in vaultctl.yaml, replaced by `bootstrap --strategies a,b` (VAULTCTL_STRATEGIES).

const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: LabConfig\n';
const KNOWN = 'secret-sync-restart, vso, agent-template, csi';

describe('strategies in the lab config', () => {
  it('defaults to the base lab alone', () => {
    expect(defaultStackConfig().strategies).toEqual(['secret-sync-restart']);
    expect(selectedStrategies(defaultStackConfig(), STAND_INS)).toEqual([]);
  });

  it('keeps the listed ones in install order, without repeats', () => {
    const cfg = parseLabConfig(`${HEAD}strategies: [csi, vso, csi, secret-sync-restart]\n`, 'lab.yaml');
    expect(cfg.strategies).toEqual(['secret-sync-restart', 'vso', 'csi']);
    expect(selectedStrategies(cfg, STAND_INS).map((s) => s.name)).toEqual(['vso', 'csi']);
  });

  it('an unknown name in the file is a config error at its line, listing the known names', () => {
    expect(() => parseLabConfig(`${HEAD}strategies:\n  - vso\n  - vault-env\n`, 'lab.yaml')).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ line: 5, path: 'strategies[1]', message: `must be one of ${KNOWN}` })] }));
    expect(() => parseLabConfig(`${HEAD}strategies: []\n`, 'lab.yaml')).toThrow(/must name at least one/);
  });

  it('an override replaces the list; an unknown name is a usage error with the list', () => {
    const cfg = parseLabConfig(`${HEAD}strategies: [vso]\n`, 'lab.yaml');
    expect(applyOverrides(cfg, { strategies: ['agent-template', 'secret-sync-restart'] }).strategies).toEqual(['secret-sync-restart', 'agent-template']);
    expect(cfg.strategies).toEqual(['vso']);
    const bad = (() => { try { applyOverrides(cfg, { strategies: ['vso', 'nope'] }); } catch (e) { return e; } })();
    expect(bad).toBeInstanceOf(UsageError);
    expect(bad).toMatchObject({ message: 'unknown strategy "nope" in --strategies', hint: `known strategies: ${KNOWN}` });
  });

  it('a strategy this build has no module for is a usage error naming the available ones', () => {
    const cfg = { strategies: ['secret-sync-restart', 'csi'] as const };
    expect(() => selectedStrategies({ strategies: [...cfg.strategies] }, { vso: STAND_INS.vso })).toThrow(
      expect.objectContaining({ message: 'strategy csi is not available in this build of vaultctl', hint: 'available: secret-sync-restart, vso' }));
  });
});

describe('vaultctl bootstrap --strategies', () => {
  let state: ReturnType<typeof tempStateDir>;
  beforeEach(() => { state = tempStateDir(); });
  afterEach(() => state.remove());

  const titles = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.replace(/^## \d+\. /, ''));

  it('the flag, then VAULTCTL_STRATEGIES, then the file choose the strategies', async () => {
    const file = join(state.dir, 'lab.yaml');
    writeFileSync(file, `${HEAD}strategies: [csi]\n`);
    process.env.VAULTCTL_STRATEGIES = 'agent-template';
    const byFlag = await runStackCommand(['bootstrap', '--dry-run', '--config', file, '--strategies', 'vso'], { stateDir: state.dir, labStrategies: STAND_INS })
      .finally(() => { delete process.env.VAULTCTL_STRATEGIES; });
    expect(byFlag.code).toBe(0);
    expect(titles(byFlag.stdout).filter((t) => t.startsWith('Applying ') && t.includes(' objects'))).toEqual([
      'Applying vso objects and the demo app (namespace vaultctl-vso)',
    ]);

    // commander reads option environment variables from process.env.
    process.env.VAULTCTL_STRATEGIES = 'agent-template';
    const byEnv = await runStackCommand(['bootstrap', '--dry-run', '--config', file], { stateDir: state.dir, labStrategies: STAND_INS })
      .finally(() => { delete process.env.VAULTCTL_STRATEGIES; });
    expect(byEnv.stdout).toContain('Applying agent-template objects');
    expect(byEnv.stdout).not.toContain('Applying csi objects');

    const byFile = await runStackCommand(['bootstrap', '--dry-run', '--config', file], { stateDir: state.dir, labStrategies: STAND_INS });
    expect(byFile.stdout).toContain('Applying csi objects');
  });

  it('an unknown name exits 2 with the known ones and runs nothing', async () => {
    const run = await runStackCommand(['bootstrap', '--strategies', 'vso,bogus'], { stateDir: state.dir, labStrategies: STAND_INS });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown strategy "bogus" in --strategies');
    expect(run.stderr).toContain(`known strategies: ${KNOWN}`);
    expect(run.runner.calls).toEqual([]);
  });
});
