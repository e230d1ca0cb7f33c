import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeDir, runVaultctl } from '../../support/cli-harness.js';

/**
 * `vaultctl doctor --scenario FILE` on a machine without a lab: no state file, and a PATH with
 * neither docker nor kind (the command runner spawns through this process's PATH, so it is
 * replaced for the duration of each test). The timing part must work on its own.
 */
describe('vaultctl doctor --scenario (no cluster, no docker, no kind)', () => {
  let stateDir: string;
  let emptyBin: string;
  let tmp: string;
  let savedPath: string | undefined;

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'vaultctl-doctor-state-'));
    emptyBin = mkdtempSync(join(tmpdir(), 'vaultctl-doctor-bin-'));
    tmp = mkdtempSync(join(tmpdir(), 'vaultctl-doctor-scn-'));
    savedPath = process.env.PATH;
    process.env.PATH = emptyBin;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    for (const d of [stateDir, emptyBin, tmp]) removeDir(d);
  });

  const doctor = (args: string[], env: Record<string, string> = {}) =>
    runVaultctl(['doctor', ...args], { env: { ...process.env, PATH: emptyBin, VAULTCTL_STATE_DIR: stateDir, VAULTCTL_STRICT: undefined, ...env } });

  it('prints the warnings with their fixes first, reports no lab, and exits 0', async () => {
    const { code, rt } = await doctor(['--scenario', 'scenarios/local-single-replica.yaml']);
    const err = rt.err();
    expect(code).toBe(0);
    expect(err).toContain('• Timing of scenarios/local-single-replica.yaml (local-single-replica): 1 danger, 1 warning');
    expect(err).toMatch(/✗ danger workload\.replicas: one replica with maxSurge 0: .* — fix: set workload\.replicas to 2 or more/);
    expect(err).toMatch(/⚠ workload\.gracefulDrain: .* — fix: set workload\.gracefulDrain: true/);
    // A local scenario needs neither Docker nor a lab: none is looked for.
    expect(err).toContain('Local scenarios need no Docker and no lab');
    expect(err).not.toContain('Prerequisites');
    expect(rt.out()).toBe('');
  });

  it('a kubernetes scenario still looks for the lab, and reports none without failing', async () => {
    const { code, rt } = await doctor(['--scenario', 'scenarios/k8s-revoke.yaml']);
    expect(code).toBe(0);
    expect(rt.err()).toContain('No lab found');
    expect(rt.err().indexOf('Timing of')).toBeLessThan(rt.err().indexOf('Prerequisites'));
  });

  it('a safe scenario has no timing risks', async () => {
    const { code, rt } = await doctor(['-s', 'scenarios/local-quickstart.yaml', '-s', 'scenarios/local-signal.yaml']);
    expect(code).toBe(0);
    expect(rt.err()).toContain('✓ Timing of scenarios/local-quickstart.yaml (local-quickstart): no timing risks; rollout estimate ~4.11s');
    expect(rt.err()).toContain('✓ Timing of scenarios/local-signal.yaml (local-signal): no timing risks');
  });

  it('--strict exits 104 on a danger, with file:line:col, before checking the lab', async () => {
    const { code, rt } = await doctor(['--scenario', 'scenarios/local-single-replica.yaml', '--strict']);
    expect(code).toBe(104);
    expect(rt.err()).toContain('scenarios/local-single-replica.yaml:14:13 workload.replicas: one replica with maxSurge 0');
    expect(rt.err()).not.toContain('Prerequisites');
  });

  it('VAULTCTL_STRICT and VAULTCTL_SCENARIO work like the flags', async () => {
    const { code, rt } = await doctor([], { VAULTCTL_SCENARIO: 'scenarios/local-expiry.yaml', VAULTCTL_STRICT: '1' });
    expect(code).toBe(104);
    expect(rt.err()).toMatch(/scenarios\/local-expiry\.yaml:\d+:\d+ delivery\.refreshInterval: refreshInterval 15s/);
  });

  it('warnings alone never change the exit code, even with --strict', async () => {
    const file = join(tmp, 'no-drain.yaml');
    writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: no-drain}
delivery: {refreshInterval: 8s}
workload: {replicas: 3, gracefulDrain: false}
database: {role: {defaultTtl: 1m}}
load: {duration: 20s}
`);
    const { code, rt } = await doctor(['--scenario', file, '--strict']);
    expect(code).toBe(0);
    expect(rt.err()).toContain('⚠ workload.gracefulDrain:');
  });

  it('a malformed scenario exits 104 with file:line:col', async () => {
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: bad}
workload:
  replicas: 0
`);
    const { code, rt } = await doctor(['--scenario', file]);
    expect(code).toBe(104);
    expect(rt.err()).toContain(`${file}:5:13 workload.replicas`);
    expect(rt.err()).not.toContain('Prerequisites');
  });
});
