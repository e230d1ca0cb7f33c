import { describe, expect, it, type TestContext } from 'vitest';
import { scenarioLoad } from '../../../src/adapters/load-generator.js';
import type { LoadPlan, LoadSummary } from '../../../src/ports/load.js';
import { OUTCOME_KINDS, type OutcomeKind } from '../../../src/ports/outcomes.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { outageSeconds, startScriptedApp, type Phase, type ScriptedApp } from '../../support/scripted-outage.js';

// Known outages: hang 2 s (→ timeouts), 500 for 1.5 s, connections refused 1.5 s, connections reset 1.5 s.
const PHASES: Phase[] = [
  ['ok', 1000], ['hang', 2000], ['ok', 1000], ['http500', 1500], ['ok', 1000],
  ['refuse', 1500], ['ok', 1000], ['reset', 1500], ['ok', 1000],
];
const DURATION_MS = PHASES.reduce((sum, [, ms]) => sum + ms, 0);

interface Counted { byKind: Record<OutcomeKind, number>; requests: number; summary: LoadSummary }

/** Runs the scenario load generator against the scripted app from its phase start, counted by the recorder and the analysis. */
async function countRun(rate: number, keepAlive: boolean, onTestFinished: TestContext['onTestFinished']): Promise<Counted> {
  const app: ScriptedApp = await startScriptedApp(PHASES, 3000);
  // This case's own app only: two cases run at once.
  onTestFinished(() => app.stop());
  // The run clock is epoch-aligned with the app's phase clock: 0 = the first phase's start.
  const now = (): number => performance.timeOrigin + performance.now() - app.startAt;
  await new Promise((r) => setTimeout(r, Math.max(0, -now())));
  const recorder = new TimelineRecorder({ binMs: 10, expectedDurationMs: DURATION_MS + 5000 });
  const plan: LoadPlan = {
    url: `http://127.0.0.1:${app.port}`, rate, connections: 4, maxInFlight: Math.ceil(rate * 1.25) + 4, keepAlive,
    durationMs: DURATION_MS, timeoutMs: 1000,
    request: { method: 'GET', path: '/', headers: {} }, success: { statusMin: 200, statusMax: 299 },
  };
  const t0 = now();
  // The script and the schedule must start together, or the truth is shifted.
  expect(Math.abs(t0)).toBeLessThan(50);
  // Anchored at t0: loading the generator module must not shift the schedule against the script.
  const summary = await scenarioLoad.run(plan, recorder, { now, startMs: t0 });
  const analysis = analyzeRun({ events: [], timeline: recorder.toData(), settleMs: 0,
    measureFromMs: Math.min(0, t0), measureToMs: t0 + DURATION_MS });
  return { byKind: analysis.overall.byKind, requests: analysis.overall.requests, summary };
}

function expectWithin(actual: number, expected: number, tolerance: number, what: string): void {
  const lo = Math.floor(expected * (1 - tolerance));
  const hi = Math.ceil(expected * (1 + tolerance));
  expect(actual, `${what}: ${actual} outside [${lo}, ${hi}] (expected ${expected})`).toBeGreaterThanOrEqual(lo);
  expect(actual, `${what}: ${actual} outside [${lo}, ${hi}] (expected ${expected})`).toBeLessThanOrEqual(hi);
}

// Two cases at a time, each with its own scripted app, schedule and counts: 100 and 400 req/s together
// (500 req/s from this process), one keep-alive mode after the other. All four at once (1000 req/s)
// shifted a 100 req/s outage count past its 10 %.
describe.each([true, false])('keepAlive %s', (keepAlive) => {
  describe.concurrent.each([
    { rate: 100, keepAlive },
    { rate: 400, keepAlive },
  ])('ground truth: scripted outages at $rate req/s, keepAlive $keepAlive, 4 connections', ({ rate, keepAlive }) => {
    it('sends the schedule whatever the answers, and counts each outage as its kind', async ({ expect, onTestFinished }) => {
      const { byKind, requests, summary } = await countRun(rate, keepAlive, onTestFinished);
      const asked = (rate * DURATION_MS) / 1000;
      // Every scheduled request has exactly one outcome, and (nearly) all were sent.
      expect(summary.model).toBe('open');
      expect(summary.scheduled).toBe(asked);
      expect(requests, JSON.stringify({ summary, byKind })).toBe(asked);
      expectWithin(summary.sent, asked, 0.03, 'sent');
      expect(summary.completed + summary.errors).toBe(summary.sent);
      // Each outage's failures: rate × its seconds, ±10 %.
      const truth = outageSeconds(PHASES);
      for (const [kind, seconds] of Object.entries(truth)) expectWithin(byKind[kind as OutcomeKind], rate * seconds!, 0.1, kind);
      const outage = Object.values(truth).reduce((a, b) => a + b!, 0)!;
      expectWithin(byKind.ok, rate * (DURATION_MS / 1000 - outage), 0.1, 'ok');
      // No other kind shows up beyond a boundary request or two.
      const others = OUTCOME_KINDS.filter((k) => k !== 'ok' && !(k in truth)).reduce((n, k) => n + byKind[k], 0);
      expect(others).toBeLessThanOrEqual(Math.ceil(asked * 0.01));
    }, 40_000);
  });
});
