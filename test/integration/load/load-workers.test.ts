import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeProcessSpawner } from '../../../src/adapters/node-process-spawner.js';
import { workerPoolLoad } from '../../../src/adapters/worker-pool-load.js';
import { openModelLoad } from '../../../src/adapters/open-model-load.js';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { LoadGenerator, LoadPlan, LoadSummary } from '../../../src/ports/load.js';
import { OUTCOME_KINDS, type OutcomeKind } from '../../../src/ports/outcomes.js';
import type { ProcessSpawner, SpawnedProcess } from '../../../src/ports/process-spawner.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { openRunLedger } from '../../../src/runtime/run-ledger.js';
import { repoRoot } from '../../support/cli-harness.js';
import { outageSeconds, startScriptedApp, type Phase, type ScriptedApp } from '../../support/scripted-outage.js';

/*
 * Load workers (issue 13) against ground truth: the scripted workload's known outages, counted
 * through N worker processes whose binned outcomes are merged, must come out as the in-process
 * generator counts them; a worker killed mid-run is reported and its share still adds up.
 */
const BUNDLE = join(repoRoot, 'dist', 'load-worker', 'bundle.cjs');
const PHASES: Phase[] = [['ok', 1000], ['hang', 1500], ['ok', 1000], ['http500', 1000], ['ok', 500], ['refuse', 1000], ['ok', 1000]];
const DURATION_MS = PHASES.reduce((sum, [, ms]) => sum + ms, 0);

let dir: string;
let spawned: SpawnedProcess[] = [];
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'vaultctl-workers-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const apps: ScriptedApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
  // Nothing outlives a run: every worker has exited.
  expect(spawned.filter((p) => p.running())).toEqual([]);
  spawned = [];
});

/** The real spawner (run ledger, run marker), remembering what it started. */
function spawner(): ProcessSpawner {
  const real = createNodeProcessSpawner(openRunLedger(join(dir, 'runs')));
  return { spawn: (req) => { const p = real.spawn(req); spawned.push(p); return p; } };
}

const pool = (workers: number, o: { stallMs?: number } = {}) =>
  workerPoolLoad({ spawner: spawner(), workers, argv: [process.execPath, BUNDLE], env: { PATH: process.env.PATH ?? '' }, ...o });

const plan = (url: string, rate: number, durationMs: number): LoadPlan => ({
  url, rate, connections: 8, maxInFlight: Math.ceil(rate * 1.25) + 8, keepAlive: true, durationMs, timeoutMs: 1000,
  request: { method: 'GET', path: '/', headers: {} }, success: { statusMin: 200, statusMax: 299 },
});

interface Counted { byKind: Record<OutcomeKind, number>; requests: number; summary: LoadSummary; events: RunEvent[] }

/** One run of `gen` against a fresh scripted app, from its first phase, counted by the recorder and the analysis. */
async function countRun(gen: LoadGenerator, rate: number): Promise<Counted> {
  const app = await startScriptedApp(PHASES, 3000);
  apps.push(app);
  const now = (): number => performance.timeOrigin + performance.now() - app.startAt;
  const p = plan(`http://127.0.0.1:${app.port}`, rate, DURATION_MS);
  await gen.prepare?.(p, { now });
  await new Promise((r) => setTimeout(r, Math.max(0, -now())));
  const recorder = new TimelineRecorder({ binMs: 10, expectedDurationMs: DURATION_MS + 5000 });
  const events: RunEvent[] = [];
  const summary = await gen.run(p, recorder, { now, startMs: 0, events: { emit: (e) => events.push(e) } });
  const analysis = analyzeRun({ events: [], timeline: recorder.toData(), settleMs: 0, measureFromMs: 0, measureToMs: DURATION_MS });
  return { byKind: analysis.overall.byKind, requests: analysis.overall.requests, summary, events };
}

function expectWithin(actual: number, expected: number, tolerance: number, what: string): void {
  const lo = Math.floor(expected * (1 - tolerance));
  const hi = Math.ceil(expected * (1 + tolerance));
  expect(actual, `${what}: ${actual} outside [${lo}, ${hi}]`).toBeGreaterThanOrEqual(lo);
  expect(actual, `${what}: ${actual} outside [${lo}, ${hi}]`).toBeLessThanOrEqual(hi);
}

describe('load workers against the scripted workload', () => {
  it('3 workers count the schedule and every outage as one in-process generator does', async () => {
    const rate = 300;
    const asked = (rate * DURATION_MS) / 1000;
    const inProcess = await countRun(openModelLoad, rate);
    const workers = await countRun(pool(3), rate);
    for (const c of [inProcess, workers]) {
      // Every scheduled request has exactly one outcome: the workers' shares add up to the schedule.
      expect(c.summary.scheduled).toBe(asked);
      expect(c.requests, JSON.stringify(c.summary)).toBe(asked);
      expectWithin(c.summary.sent, asked, 0.03, 'sent');
      for (const [kind, seconds] of Object.entries(outageSeconds(PHASES))) expectWithin(c.byKind[kind as OutcomeKind], rate * seconds!, 0.1, kind);
    }
    expect(workers.summary.workers).toBe(3);
    expect(workers.events).toEqual([]);
    // The two ways agree kind by kind, within the same tolerance as against the truth.
    for (const k of OUTCOME_KINDS) expect(Math.abs(workers.byKind[k] - inProcess.byKind[k])).toBeLessThanOrEqual(Math.ceil(asked * 0.05));
  }, 60_000);
});

describe('a load worker lost mid-run', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  for (const how of ['killed', 'stalled'] as const) {
    it(`${how}: an event, its unreported share recorded as not_sent (worker_lost), the totals still the schedule`, async () => {
      const gen = pool(2, { stallMs: 1000 });
      const t0 = performance.now();
      const now = () => performance.now() - t0;
      const p = plan(url, 200, 3000);
      await gen.prepare!(p, { now });
      const recorder = new TimelineRecorder({ binMs: 10 });
      const events: RunEvent[] = [];
      const startMs = Math.ceil(now() / 10) * 10 + 100;
      setTimeout(() => spawned[1].kill(how === 'killed' ? 'SIGKILL' : 'SIGSTOP'), startMs + 1000);
      const summary = await gen.run(p, recorder, { now, startMs, events: { emit: (e) => events.push(e) } });
      if (how === 'stalled') spawned[1].kill('SIGCONT');

      expect(events).toEqual([expect.objectContaining({ type: 'load_worker_lost', worker: 2, workers: 2,
        reason: how === 'killed' ? expect.stringContaining('SIGKILL') : expect.stringMatching(/^stalled: no word for \d+s$/) })]);
      const lost = events[0] as Extract<RunEvent, { type: 'load_worker_lost' }>;
      // Killed about a third of the way in: about two thirds of its 300 requests had no outcome.
      expect(lost.notSent).toBeGreaterThan(150);
      expect(lost.notSent).toBeLessThan(260);
      const snap = recorder.snapshot();
      expect(snap.requests).toBe(600);
      expect(snap.byCause['not_sent:worker_lost']).toBe(lost.notSent);
      expect(summary).toMatchObject({ scheduled: 600, workers: 2, workersLost: 1, limitedBy: 'worker_lost' });
      expect(summary.notSent).toBeGreaterThanOrEqual(lost.notSent);
    }, 30_000);
  }
});
