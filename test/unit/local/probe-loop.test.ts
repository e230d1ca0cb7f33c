import { describe, expect, it } from 'vitest';
import type { ProbeSpec } from '../../../src/scenario/model.js';
import { ProbeLoop } from '../../../src/targets/local/probes.js';

const spec = (over: Partial<ProbeSpec>): ProbeSpec => ({ check: { kind: 'tcpSocket' }, initialDelayMs: 0, periodMs: 1, timeoutMs: 100,
  successThreshold: 1, failureThreshold: 3, ...over });

/** Runs a loop over scripted results; resolves with [probe number, new state] for every change once the script is spent. */
function run(results: boolean[], s: ProbeSpec, initial: boolean): Promise<Array<[number, boolean]>> {
  return new Promise((resolve) => {
    const changes: Array<[number, boolean]> = [];
    let n = 0;
    const loop = new ProbeLoop(s, async () => {
      if (n === results.length) {
        loop.stop();
        resolve(changes);
      }
      return { ok: results[n++] ?? false, detail: `probe ${n}` };
    }, initial, (ok) => changes.push([n, ok]));
    loop.start();
  });
}

describe('ProbeLoop (the kubelet\'s thresholds)', () => {
  it('flips only after failureThreshold failures or successThreshold successes in a row', async () => {
    const T = true;
    const F = false;
    // Starts passing (liveness): two failures are not enough, three are; one success is not, two are.
    const changes = await run([F, F, T, F, F, F, T, F, T, T], spec({ failureThreshold: 3, successThreshold: 2 }), true);
    expect(changes).toEqual([[6, false], [10, true]]);
  });

  it('readiness starts failing: the first successes make it ready', async () => {
    expect(await run([false, true, true, true], spec({ successThreshold: 2 }), false)).toEqual([[3, true]]);
    expect(await run([true], spec({}), false)).toEqual([[1, true]]);
  });
});
