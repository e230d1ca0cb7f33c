import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leftovers, processesMentioning, runVaultctl, useRunDirs } from '../../support/cli-harness.js';

// The scripted workload's outages, in seconds (test/fixtures/runs/scripted-outages.yaml), at 200 req/s.
const RATE = 200;
const SECONDS = 11.5;
const OUTAGE = { hang: 2, http500: 1.5, refuse: 1.5, reset: 1.5 };
const dirs = useRunDirs('vaultctl-results-');

function within(actual: number, expected: number, tolerance: number, what: string): void {
  const lo = Math.floor(expected * (1 - tolerance));
  const hi = Math.ceil(expected * (1 + tolerance));
  expect(actual, `${what}: ${actual} outside [${lo}, ${hi}]`).toBeGreaterThanOrEqual(lo);
  expect(actual, `${what}: ${actual} outside [${lo}, ${hi}]`).toBeLessThanOrEqual(hi);
}

// With vaultctl's own process sending (0; what `auto` is on two cores) and with three worker
// processes: the truth must come out the same both ways (issue 13).
describe.each([
  { workers: '0', expected: undefined },
  { workers: '3', expected: 3 },
])('ground truth through rotate-test: a workload whose outages are known (load.workers $workers)', ({ workers, expected }) => {
  it('counts the schedule and every outage through the Service, and never passes it', async () => {
    const out = join(dirs.out, `scripted-${workers}`);
    const fixture = readFileSync('test/fixtures/runs/scripted-outages.yaml', 'utf8');
    const file = join(dirs.out, `scripted-${workers}.yaml`);
    writeFileSync(file, fixture.replace('load: {rate: 200,', `load: {workers: ${workers}, rate: 200,`));
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out]);
    // 6.5 s of outage in 11.5 s: far over the 1 % baseline threshold.
    expect(code, rt.err()).toBe(99);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    const { overall, baseline } = run.analysis;
    const asked = RATE * SECONDS;
    expect(run.load).toMatchObject({ model: 'open', scheduled: asked });
    if (expected !== undefined) expect(run.load.workers).toBe(expected);
    if (workers === '0') expect(run.load.workers).toBeUndefined();
    within(run.load.sent, asked, 0.03, 'sent');
    expect(overall.requests).toBe(asked);
    // No rollout: the baseline is the whole run, request for request.
    expect(run.analysis.rollouts).toEqual([]);
    expect(baseline.requests).toBe(overall.requests);
    const k = overall.byKind;
    within(k.timeout, RATE * OUTAGE.hang, 0.1, 'timeout');
    within(k.http_5xx, RATE * OUTAGE.http500, 0.1, 'http_5xx');
    // Through the Service a refused or reset upstream reaches the client as a refused or reset connection.
    within(k.conn_refused + k.conn_reset, RATE * (OUTAGE.refuse + OUTAGE.reset), 0.1, 'conn_refused + conn_reset');
    within(overall.failures, RATE * (OUTAGE.hang + OUTAGE.http500 + OUTAGE.refuse + OUTAGE.reset), 0.1, 'failures');
    expect(k.not_sent).toBe(0);
    expect(processesMentioning(dirs.tmp)).toEqual([]);
    expect(leftovers(dirs.tmp)).toEqual([]);
  }, 90_000);
});
