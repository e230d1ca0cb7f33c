import { describe, expect, it } from 'vitest';
import { rolloutWindows } from '../../../src/analysis/windows.js';
import type { RunEvent } from '../../../src/ports/events.js';

describe('rolloutWindows', () => {
  it('spans start to completion plus settle', () => {
    const events: RunEvent[] = [
      { t: 1000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 2 },
      { t: 3000, type: 'rollout_completed', revision: 2 },
    ];
    expect(rolloutWindows(events, 2000, 60_000)).toEqual([
      { revision: 2, trigger: 'refresh', startMs: 1000, completedMs: 3000, endMs: 5000, incomplete: false },
    ]);
  });

  it('keeps back-to-back overlapping rollouts apart by revision', () => {
    const events: RunEvent[] = [
      { t: 1000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 2 },
      { t: 2500, type: 'rollout_started', revision: 3, trigger: 'at', replicas: 2 },
      { t: 3000, type: 'rollout_completed', revision: 2 },
      { t: 6000, type: 'rollout_completed', revision: 3 },
    ];
    const w = rolloutWindows(events, 2000, 60_000);
    expect(w.map((x) => [x.revision, x.trigger, x.startMs, x.endMs])).toEqual([
      [2, 'refresh', 1000, 5000],
      [3, 'at', 2500, 8000],
    ]);
  });

  it('flags a rollout that never completed and ends it at the run end', () => {
    const events: RunEvent[] = [{ t: 9000, type: 'rollout_started', revision: 4, trigger: 'revoke', replicas: 1 }];
    expect(rolloutWindows(events, 2000, 10_000)).toEqual([
      { revision: 4, trigger: 'revoke', startMs: 9000, completedMs: null, endMs: 10_000, incomplete: true },
    ]);
  });

  it('clips the settle tail at the run end and ignores a completion without a start', () => {
    const events: RunEvent[] = [
      { t: 500, type: 'rollout_completed', revision: 1 },
      { t: 8000, type: 'rollout_started', revision: 2, trigger: 'expiry', replicas: 1 },
      { t: 9500, type: 'rollout_completed', revision: 2 },
    ];
    const w = rolloutWindows(events, 2000, 10_000);
    expect(w).toHaveLength(1);
    expect(w[0].endMs).toBe(10_000);
  });
});
