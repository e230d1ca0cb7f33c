import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { replicaStartups, startupStats } from '../../../src/analysis/startup.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { runWarnings, startupSentence } from '../../../src/report/run-notes.js';

const started = (t: number, replica: string, revision: number): RunEvent => ({ t, type: 'replica_started', replica, revision, port: 1 });
const ready = (t: number, replica: string, revision: number): RunEvent => ({ t, type: 'replica_ready', replica, revision });

describe('replica start-up (spawn → ready)', () => {
  it('pairs each ready with the latest start of the same replica, so a restart counts from its own spawn', () => {
    const events = [started(0, 'r1', 1), started(10, 'r2', 1), ready(400, 'r1', 1),
      started(500, 'r2', 1), ready(1700, 'r2', 1), ready(1800, 'r9', 1)];
    expect(replicaStartups(events)).toEqual([
      { replica: 'r1', revision: 1, startedMs: 0, startupMs: 400 },
      { replica: 'r2', revision: 1, startedMs: 500, startupMs: 1200 },
    ]);
    expect(startupStats(replicaStartups(events))).toEqual({ replicas: 2, medianMs: 800, maxMs: 1200 });
    expect(startupStats([])).toBeUndefined();
  });

  it('is reported per rollout row for the row\'s revisions, and over the run; overlapping rollouts warn with it', () => {
    const events: RunEvent[] = [
      started(0, 'a', 1), ready(300, 'a', 1),
      { t: 1000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 1 },
      started(1000, 'b', 2), ready(2500, 'b', 2),
      // The next rotation comes while revision 2 still settles: one row for both.
      { t: 2600, type: 'rollout_completed', revision: 2 },
      { t: 3000, type: 'rollout_started', revision: 3, trigger: 'refresh', replicas: 1 },
      started(3000, 'c', 3), ready(6100, 'c', 3),
      { t: 6200, type: 'rollout_completed', revision: 3 },
    ];
    const timeline = new TimelineRecorder({ binMs: 10, expectedDurationMs: 10_000 }).toData();
    const a = analyzeRun({ events, timeline, settleMs: 1000, measureFromMs: 0, measureToMs: 10_000 });
    expect(a.rollouts).toHaveLength(1);
    expect(a.rollouts[0].startup).toEqual({ replicas: 2, medianMs: 2300, maxMs: 3100 });
    expect(a.startup).toEqual({ replicas: 3, medianMs: 1500, maxMs: 3100 });
    expect(startupSentence(a)).toBe('#1 median 2.30s, max 3.10s (2 replicas); all starts median 1.50s, max 3.10s (3 replicas)');
    const run = { status: 'completed', scenario: undefined } as never;
    const warnings = runWarnings({ run, analysis: a, verdict: { pass: true, results: [] } as never });
    expect(warnings).toEqual([expect.stringMatching(/^rollouts overlapped \(row #1, refresh\+refresh\).*median 2\.30s, max 3\.10s.*expectedStartup/)]);
  });
});
