import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpawnedProcess } from '../../../src/ports/process-spawner.js';
import { expectCleanAndRedacted, hasEvent, runEvents, runVaultctl, useRunDirs } from '../../support/cli-harness.js';

/*
 * `load.workers` through the CLI on the local target (issue 13): the run is measured as before,
 * and a worker killed mid-run fails it (exit 99) with the reason, its unsent share counted.
 */
const dirs = useRunDirs('vaultctl-workers-cli-');

const SCENARIO = `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: workers}
delivery: {refreshInterval: 3s, reload: restart}
workload: {replicas: 2, maxSurge: 1, maxUnavailable: 0, preStop: 200ms, endpointPropagation: 100ms}
load: {workers: 2, rate: 200, connections: 6, duration: 8s, warmUp: 1s, timeout: 2s}
thresholds: [rollout.failure_rate < 5%]
`;

describe('rotate-test with load.workers on the local target', () => {
  it('a worker killed mid-run: load_worker_lost, its share not_sent (worker_lost), exit 99 with the reason; nothing left', async () => {
    const file = join(dirs.out, 'workers.yaml');
    writeFileSync(file, SCENARIO);
    const out = join(dirs.out, 'killed');
    const workers: SpawnedProcess[] = [];
    let killed = false;
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out], {
      deps: (deps) => {
        const make = deps.targets.local.loadWorkers;
        deps.targets.local.loadWorkers = (o) => make({ ...o, spawner: { spawn: (req) => { const p = o.spawner.spawn(req); workers.push(p); return p; } } });
      },
      // Once the load has run 3 s: kill the second worker (a point in the run, read from its events).
      abortWhen: () => {
        const start = runEvents(out).find((e) => e.type === 'load_started');
        if (!killed && start && hasEvent(out, 'rollout_started')) {
          killed = workers[1]?.kill('SIGKILL') ?? false;
        }
        return false;
      },
    });
    expect(killed).toBe(true);
    expect(code, rt.err()).toBe(99);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.load).toMatchObject({ workers: 2, workersLost: 1, limitedBy: 'worker_lost' });
    // Every scheduled request has one outcome: the lost share is counted, not dropped.
    const timeline = JSON.parse(readFileSync(join(out, 'timeline.json'), 'utf8')) as {
      ok: number[]; failures: Record<string, [number, number][]>; causes: [number, string, string, number][] };
    const recorded = timeline.ok.reduce((a, b) => a + b, 0)
      + Object.values(timeline.failures).flat().reduce((a, [, n]) => a + n, 0);
    expect(recorded).toBe(run.load.scheduled);
    expect(run.load.scheduled).toBe(200 * 9);
    const lost = runEvents(out).filter((e) => e.type === 'load_worker_lost');
    expect(lost).toEqual([expect.objectContaining({ worker: 2, workers: 2, reason: expect.stringContaining('SIGKILL') })]);
    const workerLost = timeline.causes.filter(([, kind, cause]) => kind === 'not_sent' && cause === 'worker_lost').reduce((n, c) => n + c[3], 0);
    expect(workerLost).toBe((lost[0] as { notSent: number }).notSent);
    expect(workerLost).toBeGreaterThan(100);
    expect(run.verdict.results).toContainEqual(expect.objectContaining({ metric: 'load.worker_lost', pass: false }));
    expect(rt.out() + rt.err()).toMatch(/load worker 2\/2 lost at [\d.]+s \(exited \(SIGKILL\)/);
    expect(workers.every((w) => !w.running())).toBe(true);
    expectCleanAndRedacted(rt, out, dirs.tmp);
  }, 90_000);
});
