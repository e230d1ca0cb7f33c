import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDir, runVaultctl } from '../../support/cli-harness.js';

// `vaultctl report` never passes on missing data: results directories copied from a run that
// passes every threshold (graceful-three), then cut down as a killed, interrupted or failed run
// leaves them. Each must exit 99, name what is missing, and never print PASS.
const PASSING = 'test/fixtures/results/graceful-three';
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'vaultctl-report-incomplete-'));
});
afterAll(() => removeDir(work));

const env = () => ({ PATH: process.env.PATH });

/** A copy of the passing run, changed by `edit(dir)`. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = join(work, name);
  cpSync(PASSING, dir, { recursive: true });
  edit(dir);
  return dir;
}

function setRun(dir: string, change: Record<string, unknown>): void {
  const file = join(dir, 'run.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...change }, null, 2));
}

/** The event log without its last `drop` lines, and with `extra` appended (raw text). */
function setEvents(dir: string, drop: number, extra = ''): void {
  const file = join(dir, 'events.ndjson');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  writeFileSync(file, lines.slice(0, lines.length - drop).join('\n') + '\n' + extra);
}

describe('vaultctl report on a run that did not complete', () => {
  it('the untouched copy passes (so every exit 99 below comes from what was cut)', async () => {
    const { code, rt } = await runVaultctl(['report', variant('whole', () => {})], { env: env() });
    expect(code, rt.err()).toBe(0);
    expect(rt.out()).toContain('verdict: PASS');
  });

  it('status running (SIGKILLed or still going): INCOMPLETE, exit 99', async () => {
    const dir = variant('running', (d) => {
      setRun(d, { status: 'running' });
      setEvents(d, 1);
    });
    const { code, rt } = await runVaultctl(['report', dir], { env: env() });
    expect(code).toBe(99);
    expect(rt.out()).toContain('warning: incomplete run: status running: the run was killed or is still going');
    expect(rt.out()).toContain('events.ndjson has no run_finished event');
    expect(rt.out()).toMatch(/\nverdict: INCOMPLETE \(on partial data: 0 of 12 failed\)\n/);
    expect(rt.out()).not.toContain('PASS');
    expect(rt.err()).toContain('thresholds crossed: run incomplete');
    const json = JSON.parse((await runVaultctl(['report', dir, '--format', 'json'], { env: env() })).rt.out());
    expect(json.pass).toBe(false);
    expect(json.runs[0].status).toBe('running');
    expect(json.runs[0].verdict).toMatchObject({ pass: false, incomplete: { kind: 'incomplete' } });
    expect(json.runs[0].warnings[0]).toContain('status running');
  });

  it('status interrupted: INTERRUPTED; status failed: INCOMPLETE with the error', async () => {
    const stopped = await runVaultctl(['report', variant('interrupted', (d) => setRun(d, { status: 'interrupted' }))], { env: env() });
    expect(stopped.code).toBe(99);
    expect(stopped.rt.out()).toContain('verdict: INTERRUPTED');
    const failed = await runVaultctl(['report', variant('failed', (d) => setRun(d, { status: 'failed', error: 'replica r4 exited' }))],
      { env: env() });
    expect(failed.code).toBe(99);
    expect(failed.rt.out()).toContain('warning: incomplete run: status failed: replica r4 exited');
    expect(failed.rt.out()).toContain('verdict: INCOMPLETE');
  });

  it('a truncated events.ndjson (torn last line) is read, named, and fails the verdict', async () => {
    // A crash mid-write: the last event cut in half, run_finished never written.
    const dir = variant('torn', (d) => setEvents(d, 1, '{"t":16914.95,"type":"run_fin'));
    const { code, rt } = await runVaultctl(['report', dir], { env: env() });
    expect(code, rt.err()).toBe(99);
    expect(rt.out()).toContain('graceful-three: 3 rollouts');
    expect(rt.out()).toContain('events.ndjson is truncated: line 77 is not valid JSON (skipped)');
    expect(rt.out()).toContain('verdict: INCOMPLETE');
    // cut without a torn line: the missing run_finished alone is enough
    const short = await runVaultctl(['report', variant('short', (d) => setEvents(d, 12))], { env: env() });
    expect(short.code).toBe(99);
    expect(short.rt.out()).toContain('events.ndjson has no run_finished event');
  });

  it('a missing events.ndjson: no rollouts where the scenario expected them, named in every rollout threshold', async () => {
    const dir = variant('no-events', (d) => rmSync(join(d, 'events.ndjson')));
    const { code, rt } = await runVaultctl(['report', dir], { env: env() });
    expect(code).toBe(99);
    expect(rt.out()).toContain('graceful-three: 0 rollouts');
    expect(rt.out()).toContain('events.ndjson is missing');
    expect(rt.out()).toContain('warning: expected rollouts, none observed');
    expect(rt.out()).toMatch(/✗ {2}rollouts: rollout\.failure_rate < 0\.1% +nothing observed \(expected rollouts, none observed\)/);
    expect(rt.out()).toContain('verdict: INCOMPLETE');
  });

  it('a completed run whose rotation failed: a line under the table and a failed check', async () => {
    const failedRotation = '{"t":9000,"type":"rotation_failed","trigger":"refresh","message":"role \\"v-app-2\\" already exists"}\n';
    const dir = variant('rotation-failed', (d) => {
      const last = readFileSync(join(d, 'events.ndjson'), 'utf8').trimEnd().split('\n').at(-1);
      setEvents(d, 1, failedRotation + last + '\n');
    });
    const { code, rt } = await runVaultctl(['report', dir], { env: env() });
    expect(code).toBe(99);
    expect(rt.out()).toMatch(/warning: rotation at \d+\.\ds \(refresh\) failed: role "v-app-2" already exists/);
    expect(rt.out()).toMatch(/✗ {2}rotation at \d+\.\ds \(refresh\) failed +role "v-app-2" already exists/);
    expect(rt.out()).toContain('verdict: FAIL (1 of 13 failed)');
    expect(rt.err()).toMatch(/thresholds crossed: rotation at \d+\.\ds \(refresh\) failed/);
  });
});
