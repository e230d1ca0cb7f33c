import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapLimit, parseVaultTime } from '../../../src/targets/kubernetes/lease-lookup.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { evaluateThresholds } from '../../../src/analysis/verdict.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { leasesSentence } from '../../../src/report/run-notes.js';
import type { RunEvent } from '../../../src/ports/events.js';

describe('parseVaultTime (Go time.Time in Vault JSON, RFC3339Nano)', () => {
  it('reads the fraction to the ms, whatever its length, and the offset', () => {
    // developer.hashicorp.com/vault/docs/commands/lease/lookup: issue_time 2021-03-17T11:45:50.755312-05:00
    expect(parseVaultTime('2021-03-17T11:45:50.755312-05:00')).toBe(Date.UTC(2021, 2, 17, 16, 45, 50, 755));
    expect(parseVaultTime('2019-07-26T20:17:04.123456789Z')).toBe(Date.UTC(2019, 6, 26, 20, 17, 4, 123));
    expect(parseVaultTime('2019-07-26T20:17:04.5Z')).toBe(Date.UTC(2019, 6, 26, 20, 17, 4, 500));
    expect(parseVaultTime('2019-07-26T20:17:04Z')).toBe(Date.UTC(2019, 6, 26, 20, 17, 4));
  });

  it('is undefined for anything else', () => {
    for (const t of ['', 'yesterday', '2019-07-26 20:17:04', '1564172224', '2019-13-45T99:17:04Z']) expect(parseVaultTime(t)).toBeUndefined();
  });
});

describe('mapLimit', () => {
  it('keeps at most `limit` calls pending and the results in input order', async () => {
    let pending = 0;
    let most = 0;
    const out = await mapLimit(Array.from({ length: 50 }, (_, i) => i), 8, async (i) => {
      pending++;
      most = Math.max(most, pending);
      await new Promise((r) => setImmediate(r));
      pending--;
      return i * 2;
    });
    expect(most).toBe(8);
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(await mapLimit([], 8, async () => 1)).toEqual([]);
  });
});

describe('leases counted on the kubernetes target: the run\'s vs the lab\'s', () => {
  const analyze = (events: RunEvent[]) => analyzeRun({ events, settleMs: 0, measureFromMs: 0, measureToMs: 10,
    timeline: new TimelineRecorder({ binMs: 10, expectedDurationMs: 100 }).toData() });
  const oldLab: RunEvent[] = [
    { t: 0, type: 'leases_counted', phase: 'before', count: 1, preExisting: 60 },
    { t: 9, type: 'leases_counted', phase: 'after', count: 2, preExisting: 60 },
  ];

  it('outstanding is the run\'s count; the pre-existing ones are kept apart and printed', () => {
    const { leases } = analyze(oldLab);
    expect(leases).toEqual({ issued: 0, expired: 0, revoked: 0, outstanding: 2, preExisting: 60 });
    expect(leasesSentence(leases)).toBe('0 issued, 0 expired, 0 revoked, 2 outstanding (the run\'s; 60 more from before the run, not counted)');
    // Logs without the split (older runs, other targets) read as before.
    expect(analyze([{ t: 9, type: 'leases_counted', phase: 'after', count: 7 }]).leases).not.toHaveProperty('preExisting');
  });

  it('scenarios/k8s-expiry.yaml passes its leases.outstanding threshold on a lab up for an hour', () => {
    const file = new URL('../../../scenarios/k8s-expiry.yaml', import.meta.url);
    const s = parseScenario(readFileSync(file, 'utf8'), 'k8s-expiry.yaml');
    expect(s.thresholds.map((t) => t.metric)).toContain('leases.outstanding');
    const verdict = evaluateThresholds(analyze(oldLab), s.thresholds.filter((t) => t.metric === 'leases.outstanding'));
    expect(verdict.results).toEqual([expect.objectContaining({ metric: 'leases.outstanding', observed: 2, pass: true })]);
    expect(verdict.pass).toBe(true);
  });
});
