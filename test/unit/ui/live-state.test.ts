import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/ports/events.js';
import type { TimelineSnapshot } from '../../../src/recorder/timeline-recorder.js';
import {
  initialLiveState, reduceEvent, withPhase, withSnapshot, withThresholds, type LiveState,
} from '../../../src/ui/live-state.js';
import { throttledThresholds } from '../../../src/ui/live-model.js';

const run = (events: RunEvent[], s: LiveState = initialLiveState('demo', 30_000, 5000)) => events.reduce(reduceEvent, s);

function snap(over: Partial<TimelineSnapshot> = {}): TimelineSnapshot {
  return {
    requests: 0, failures: 0, lastSecondRps: 0, dropped: 0, byCause: {},
    byKind: { ok: 0, http_4xx: 0, http_5xx: 0, body_error: 0, conn_refused: 0, conn_reset: 0, timeout: 0, other: 0, not_sent: 0 },
    ...over,
  };
}

const threeReady: RunEvent[] = ['a', 'b', 'c'].flatMap((id, i) => [
  { t: 100 + i, type: 'replica_started', replica: id, revision: 1, port: 4000 + i } as const,
  { t: 200 + i, type: 'replica_ready', replica: id, revision: 1 } as const,
]);

describe('reduceEvent', () => {
  it('starts empty and in the starting phase', () => {
    const s = initialLiveState('demo', 30_000, 5000);
    expect(s).toMatchObject({ scenario: 'demo', phase: 'starting', elapsedMs: 0, totalMs: 30_000, rollout: null,
      replicas: { ready: 0, old: 0, new: 0, terminating: 0 }, thresholds: [] });
  });

  it('counts replicas from their events', () => {
    const s = run([...threeReady, { t: 300, type: 'replica_started', replica: 'd', revision: 1, port: 4010 }]);
    expect(s.replicas).toEqual({ ready: 3, old: 0, new: 4, terminating: 0 });
    expect(s.latestRevision).toBe(1);
  });

  it('follows a rollout: new replicas become ready, old ones terminate and go, then it completes', () => {
    let s = run([...threeReady, { t: 1000, type: 'load_started' }]);
    s = run([{ t: 7000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 3 },
      { t: 7010, type: 'replica_started', replica: 'd', revision: 2, port: 4010 }], s);
    expect(s.rollout).toEqual({ revision: 2, trigger: 'refresh', startedAtMs: 7000, newReady: 0, replicas: 3 });
    expect(s.replicas).toEqual({ ready: 3, old: 3, new: 1, terminating: 0 });

    s = run([{ t: 7500, type: 'replica_ready', replica: 'd', revision: 2 },
      { t: 7501, type: 'replica_terminating', replica: 'a', revision: 1 }], s);
    expect(s.rollout?.newReady).toBe(1);
    expect(s.replicas).toEqual({ ready: 3, old: 2, new: 1, terminating: 1 });

    s = run([{ t: 8000, type: 'replica_removed', replica: 'a', revision: 1 },
      { t: 8100, type: 'replica_exited', replica: 'a', revision: 1, code: 0, signal: null, expected: true }], s);
    expect(s.replicas).toEqual({ ready: 3, old: 2, new: 1, terminating: 0 });

    s = run(['e', 'f'].flatMap((id) => [
      { t: 8200, type: 'replica_started', replica: id, revision: 2, port: 4020 } as const,
      { t: 8300, type: 'replica_ready', replica: id, revision: 2 } as const,
    ]), s);
    expect(s.rollout?.newReady).toBe(3);
    s = run([{ t: 9000, type: 'rollout_completed', revision: 2 }], s);
    expect(s.rollout).toBeNull();
    expect(s.rolloutsCompleted).toBe(1);
    expect(s.nowMs).toBe(9000);
  });

  it('keeps the newest rollout when a superseded one completes', () => {
    const s = run([...threeReady, { t: 1000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 3 },
      { t: 1100, type: 'rollout_started', revision: 3, trigger: 'revoke', replicas: 3 },
      { t: 1200, type: 'rollout_completed', revision: 2 }]);
    expect(s.rollout).toMatchObject({ revision: 3, trigger: 'revoke' });
    expect(s.rolloutsCompleted).toBe(1);
  });

  it('a crashed replica stops counting as ready', () => {
    const s = run([...threeReady,
      { t: 500, type: 'replica_exited', replica: 'b', revision: 1, code: 1, signal: null, expected: false },
      { t: 501, type: 'replica_removed', replica: 'b', revision: 1 }]);
    expect(s.replicas).toEqual({ ready: 2, old: 0, new: 2, terminating: 0 });
  });

  it('moves through the phases: warm-up on load start, measuring after the warm-up, settling, cleanup', () => {
    let s = run([{ t: 2000, type: 'load_started' }]);
    expect(s.phase).toBe('warm-up');
    s = withSnapshot(s, snap(), undefined, 6999);
    expect(s).toMatchObject({ phase: 'warm-up', elapsedMs: 4999 });
    s = withSnapshot(s, snap(), undefined, 7000);
    expect(s).toMatchObject({ phase: 'measuring', elapsedMs: 5000 });
    s = run([{ t: 32_000, type: 'load_finished' }], s);
    expect(s.phase).toBe('settling');
    s = withSnapshot(s, snap(), undefined, 40_000);
    expect(s).toMatchObject({ phase: 'settling', elapsedMs: 30_000 }); // capped at the load's length
    expect(withPhase(s, 'cleanup').phase).toBe('cleanup');
  });

  it('goes straight to measuring without a warm-up, and never moves back on its own', () => {
    const s = run([{ t: 10, type: 'load_started' }], initialLiveState('demo', 1000, 0));
    expect(s.phase).toBe('measuring');
    const cleaning = withPhase(s, 'cleanup');
    expect(run([{ t: 20, type: 'load_finished' }], cleaning).phase).toBe('cleanup');
  });
});

describe('withSnapshot', () => {
  it('takes totals, rate and the top five causes (most first, ties by name) with the rest summed', () => {
    const byCause = { 'http_5xx:28P01': 40, conn_refused: 90, timeout: 7, 'conn_reset:ECONNRESET': 40, http_4xx: 3,
      'http_5xx:57P01': 2, other: 1 };
    const s = withSnapshot(run([{ t: 0, type: 'load_started' }]), snap({ requests: 10_000, failures: 183, byCause,
      lastSecondRps: 812.5 }), undefined, 1500);
    expect(s).toMatchObject({ requests: 10_000, failures: 183, rps: 812.5, otherCauseFailures: 3 });
    expect(s.causes).toEqual([
      { cause: 'conn_refused', count: 90 }, { cause: 'conn_reset:ECONNRESET', count: 40 },
      { cause: 'http_5xx:28P01', count: 40 }, { cause: 'timeout', count: 7 }, { cause: 'http_4xx', count: 3 },
    ]);
  });

  it('prefers the supervisor counts when given, and keeps the event-derived ones otherwise', () => {
    const s = run(threeReady);
    expect(withSnapshot(s, snap(), undefined, 0).replicas).toEqual({ ready: 3, old: 0, new: 3, terminating: 0 });
    const counts = { ready: 2, old: 1, new: 2, terminating: 1 };
    expect(withSnapshot(s, snap(), counts, 0).replicas).toEqual(counts);
  });

  it('does not count time before load started', () => {
    expect(withSnapshot(initialLiveState('demo', 1000), snap(), undefined, 5000).elapsedMs).toBe(0);
  });
});

describe('withThresholds', () => {
  it('copies the thresholds so far', () => {
    const list = [{ expression: 'rollout.failure_rate < 1%', pass: false }, { expression: 'latency.p99 < 1s', pass: null }];
    const s = withThresholds(initialLiveState('demo', 1000), list);
    expect(s.thresholds).toEqual(list);
    expect(s.thresholds).not.toBe(list);
  });
});

describe('throttledThresholds', () => {
  it('reuses the last answer within the interval', () => {
    let calls = 0;
    let t = 0;
    const provider = throttledThresholds(() => [{ expression: `e${++calls}`, pass: null }], 1000, () => t);
    expect(provider()[0].expression).toBe('e1');
    t = 999;
    expect(provider()[0].expression).toBe('e1');
    t = 1000;
    expect(provider()[0].expression).toBe('e2');
    expect(calls).toBe(2);
  });
});
