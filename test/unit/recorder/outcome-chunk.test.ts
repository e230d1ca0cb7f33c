import { describe, expect, it } from 'vitest';
import { OUTCOME_KINDS, type RequestOutcome } from '../../../src/ports/outcomes.js';
import { ChunkRecorder, chunkRequests } from '../../../src/recorder/outcome-chunk.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { seededRandom } from '../../support/seeded-random.js';

/** Outcomes of every kind, with causes (one holding the `|` separator), starts across 20 s, a few outside the horizon. */
function outcomes(seed: number, n: number): RequestOutcome[] {
  const rnd = seededRandom(seed);
  const causes = [undefined, '28P01', 'no_endpoints', 'ECONNRESET', 'odd|cause'];
  return Array.from({ length: n }, (_, i) => {
    const kind = OUTCOME_KINDS[Math.floor(rnd() * OUTCOME_KINDS.length)];
    const start = i % 997 === 0 ? (i % 2 === 0 ? Number.NaN : 30 * 3600_000) : rnd() * 20_000;
    return { start, latencyMs: rnd() ** 3 * 3000, kind, ...(kind !== 'ok' ? { cause: causes[Math.floor(rnd() * causes.length)] } : {}) };
  });
}

describe('ChunkRecorder (load workers send binned outcomes)', () => {
  it('merged chunk by chunk, gives the recorder exactly what recording each outcome gives', () => {
    const all = outcomes(7, 20_000);
    const direct = new TimelineRecorder({ binMs: 10 });
    for (const o of all) direct.record(o);

    const merged = new TimelineRecorder({ binMs: 10 });
    const worker = new ChunkRecorder({ binMs: 10, latencyBinMs: direct.latencyBinMs });
    let sent = 0;
    all.forEach((o, i) => {
      worker.record(o);
      // Flush at irregular points, as a worker's timer would.
      if (i % 1237 === 0) {
        const c = worker.take();
        if (c) { sent += chunkRequests(c); merged.merge(c); }
      }
    });
    const last = worker.take();
    if (last) { sent += chunkRequests(last); merged.merge(last); }

    expect(merged.toData()).toEqual(direct.toData());
    expect(merged.snapshot(20_000)).toEqual(direct.snapshot(20_000));
    expect(sent + merged.dropped).toBe(all.length);
    expect(worker.take()).toBeUndefined();
  });

  it('survives JSON: a chunk is plain arrays', () => {
    const worker = new ChunkRecorder({ binMs: 10, latencyBinMs: 100 });
    for (const o of outcomes(3, 500)) worker.record(o);
    const c = worker.take()!;
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });
});
