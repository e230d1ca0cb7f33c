import { describe, expect, it } from 'vitest';
import { loadWorkerCount, MAX_AUTO_WORKERS } from '../../../src/scenario/load-workers.js';
import { clockOffset } from '../../../src/load/worker-protocol.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import { ConfigError } from '../../../src/errors/errors.js';

const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: s}\n';

describe('load.workers', () => {
  it('defaults to auto; a number is taken as written; auto is half the cores beyond two, at most 8, and none with rate: max', () => {
    expect(parseScenario(`${HEAD}load: {duration: 10s}\n`, 's.yaml').load.workers).toBe('auto');
    expect(loadWorkerCount('auto', 4, 'max')).toBe(0);
    expect(parseScenario(`${HEAD}load: {duration: 10s, workers: 3}\n`, 's.yaml').load.workers).toBe(3);
    expect(parseScenario(`${HEAD}load: {duration: 10s, workers: auto}\n`, 's.yaml').load.workers).toBe('auto');
    expect([1, 2, 3, 4, 8, 64].map((cores) => loadWorkerCount('auto', cores))).toEqual([0, 0, 0, 1, 3, MAX_AUTO_WORKERS]);
    expect(loadWorkerCount(5, 2)).toBe(5);
  });

  it('refuses workers with rate: max (a closed loop in one process) and values out of range, at their line', () => {
    const issues = (load: string) => {
      try {
        parseScenario(`${HEAD}load: ${load}\n`, 's.yaml');
      } catch (err) {
        return (err as ConfigError).issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(issues('{duration: 10s, rate: max, workers: 2}')).toEqual([expect.stringMatching(/^4:\d+ load.workers: workers split an open-model schedule: they need a fixed rate/)]);
    expect(issues('{duration: 10s, workers: -1}').join()).toContain('load.workers');
    expect(issues('{duration: 10s, workers: 65}').join()).toContain('load.workers');
    expect(issues('{duration: 10s, rate: max, workers: 0}')).toEqual([]);
  });
});

describe('the worker protocol', () => {
  it('takes the clock offset from the fastest round trip, halved', () => {
    // Worker clock 40 ms ahead; the slow sample (20 ms round trip) would put it at 48.
    expect(clockOffset([
      { sentEpoch: 1000, workerEpoch: 1058, receivedEpoch: 1020 },
      { sentEpoch: 2000, workerEpoch: 2041, receivedEpoch: 2002 },
    ])).toEqual({ offsetMs: 40, roundTripMs: 2 });
    expect(() => clockOffset([])).toThrow();
  });
});
