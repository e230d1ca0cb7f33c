import { describe, expect, it } from 'vitest';
import { analyzeRun, type RunAnalysis } from '../../../src/analysis/analyze.js';
import type { WindowStats } from '../../../src/analysis/stats.js';
import type { RotationTrigger, RunEvent } from '../../../src/ports/events.js';
import { OUTCOME_KINDS } from '../../../src/ports/outcomes.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { seededRandom } from '../../support/seeded-random.js';

// The attribution invariant: every measured request counts in exactly one place, one rollout row
// or the baseline. Overlapping rollouts merge into one row instead of counting twice.

const rng = seededRandom;

const TRIGGERS: RotationTrigger[] = ['refresh', 'at', 'revoke', 'expiry', 'force-sync'];

/** Outcomes of every kind at random times, some with causes. */
function randomTimeline(r: () => number, endMs: number, binMs: number): TimelineRecorder {
  const rec = new TimelineRecorder({ binMs, latencyBinMs: 100 });
  const n = 500 + Math.floor(r() * 2500);
  for (let i = 0; i < n; i++) {
    const kind = r() < 0.7 ? 'ok' : OUTCOME_KINDS[1 + Math.floor(r() * (OUTCOME_KINDS.length - 1))];
    const cause = kind !== 'ok' && r() < 0.5 ? ['28P01', 'no_endpoints', 'ECONNRESET'][Math.floor(r() * 3)] : undefined;
    rec.record({ start: r() * endMs, latencyMs: 1 + r() * 50, kind, cause });
  }
  return rec;
}

/** Rollouts at random times, often overlapping, some never completed, some repeating a revision. */
function randomEvents(r: () => number, endMs: number): RunEvent[] {
  const events: RunEvent[] = [];
  let revision = 1;
  for (let k = Math.floor(r() * 8); k > 0; k--) {
    const start = r() * endMs;
    const rev = r() < 0.1 ? revision : ++revision;
    events.push({ t: start, type: 'rollout_started', revision: rev, trigger: TRIGGERS[Math.floor(r() * TRIGGERS.length)], replicas: 2 });
    if (r() < 0.85) events.push({ t: start + r() * 4000, type: 'rollout_completed', revision: rev });
  }
  return events.sort((a, b) => a.t - b.t);
}

function expectSumsTo(rows: WindowStats[], total: WindowStats, seed: number): void {
  const sum = (f: (s: WindowStats) => number) => rows.reduce((n, s) => n + f(s), 0);
  const where = `seed ${seed}`;
  for (const key of ['requests', 'failures', 'scheduled', 'sent', 'answered', 'notSent'] as const) {
    expect(sum((s) => s[key]), `${where}: ${key}`).toBe(total[key]);
  }
  for (const kind of OUTCOME_KINDS) expect(sum((s) => s.byKind[kind]), `${where}: byKind.${kind}`).toBe(total.byKind[kind]);
  const causes = new Set(rows.flatMap((s) => Object.keys(s.byCause)).concat(Object.keys(total.byCause)));
  for (const c of causes) expect(sum((s) => s.byCause[c] ?? 0), `${where}: byCause ${c}`).toBe(total.byCause[c] ?? 0);
}

function expectDisjointRows(a: RunAnalysis, seed: number): void {
  let cursor = a.measureFromMs;
  for (const row of a.rollouts) {
    expect(row.window.fromMs, `seed ${seed}: row ${row.index} starts after the previous ends`).toBeGreaterThanOrEqual(cursor);
    expect(row.window.toMs).toBeGreaterThanOrEqual(row.window.fromMs);
    expect(row.window.toMs).toBeLessThanOrEqual(a.measureToMs);
    expect(row.triggers.join('+')).toBe(row.trigger);
    expect(row.revisions).toHaveLength(row.triggers.length);
    cursor = row.window.toMs;
  }
}

describe('attribution invariant: overall = rollout rows + baseline', () => {
  it('holds on a synthetic timeline whose windows overlap', () => {
    const rec = new TimelineRecorder({ binMs: 10 });
    for (let t = 0; t < 12_000; t += 10) {
      rec.record({ start: t, latencyMs: 2, kind: t >= 3000 && t < 3100 ? 'conn_refused' : t % 700 === 0 ? 'not_sent' : 'ok' });
    }
    const events: RunEvent[] = [
      { t: 2000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 2 },
      { t: 2500, type: 'rollout_started', revision: 3, trigger: 'at', replicas: 2 },
      { t: 3200, type: 'rollout_completed', revision: 2 },
      { t: 4000, type: 'rollout_completed', revision: 3 },
      { t: 7000, type: 'rollout_started', revision: 4, trigger: 'refresh', replicas: 2 },
      { t: 7400, type: 'rollout_completed', revision: 4 },
    ];
    const a = analyzeRun({ events, timeline: rec, settleMs: 1000, leadMs: 200, measureFromMs: 1000, measureToMs: 11_000 });
    // Before merging, the 10 refusals at 3.0–3.1 s counted in two rows. Window 1.8–5.0 s also holds
    // the not_sent at 2.1, 2.8, 3.5, 4.2 and 4.9 s; window 6.8–8.4 s those at 7.0 and 7.7 s.
    expect(a.rollouts.map((r) => [r.trigger, r.failures, r.notSent])).toEqual([['refresh+at', 15, 5], ['refresh', 2, 2]]);
    expectSumsTo([...a.rollouts, a.baseline], a.overall, 0);
    expect(a.overall.notSent).toBe(a.overall.byKind.not_sent);
    expect(a.overall.sent).toBe(a.overall.requests - a.overall.notSent);
    expect(a.overall.answered).toBe(a.overall.byKind.ok);
  });

  it('holds over random event sequences, measured ranges, settle and lead', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const endMs = 5000 + r() * 20_000;
      const binMs = [1, 5, 10, 25][Math.floor(r() * 4)];
      const timeline = randomTimeline(r, endMs, binMs);
      const events = randomEvents(r, endMs);
      const measureFromMs = r() * 3000;
      const measureToMs = measureFromMs + r() * (endMs - measureFromMs);
      const a = analyzeRun({ events, timeline: r() < 0.5 ? timeline : timeline.toData(), settleMs: Math.floor(r() * 3000),
        leadMs: Math.floor(r() * 500), measureFromMs, measureToMs });
      expectSumsTo([...a.rollouts, a.baseline], a.overall, seed);
      expectDisjointRows(a, seed);
    }
  });
});
