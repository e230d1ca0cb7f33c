import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenario/loader.js';
import { ConfigError } from '../../../src/errors/errors.js';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { planActions } from '../../../src/targets/kubernetes/kubernetes-target.js';

const scenario = (target: string, rotations: string) => `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: rr}
target: ${target}
load: {duration: 60s}
rotations: ${rotations}
`;

describe('rotations.rotateRoot', () => {
  it('is normalised to rotateRootAtMs and defaults to []', () => {
    expect(parseScenario(scenario('kubernetes', '{rotateRoot: [10s, 20s]}'), 'k.yaml').rotations.rotateRootAtMs).toEqual([10_000, 20_000]);
    expect(parseScenario(scenario('kubernetes', '{}'), 'k.yaml').rotations.rotateRootAtMs).toEqual([]);
  });

  it('is an error outside target kubernetes, and past the end of the load', () => {
    const local = (() => { try { parseScenario(scenario('local', '{rotateRoot: [10s]}'), 'l.yaml'); } catch (e) { return e; } })();
    expect(local).toBeInstanceOf(ConfigError);
    expect((local as ConfigError).issues.map((i) => i.message)).toEqual([expect.stringContaining('rotateRoot needs target: kubernetes')]);
    const late = (() => { try { parseScenario(scenario('kubernetes', '{rotateRoot: [90s]}'), 'k.yaml'); } catch (e) { return e; } })();
    expect((late as ConfigError).issues[0].message).toContain('is not before the end of the load');
  });

  it('plans force-syncs for `at`, revokes and root rotations; periodic refresh is left to ESO', () => {
    const s = parseScenario(`apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: plan}
target: kubernetes
delivery: {refreshInterval: 10s}
load: {duration: 60s, warmUp: 5s}
rotations: {at: [15s], revoke: [30s], rotateRoot: [45s]}
`, 'p.yaml');
    expect(planActions(s, 5000)).toEqual([
      { atMs: 20_000, action: 'force-sync' }, { atMs: 35_000, action: 'revoke' }, { atMs: 50_000, action: 'rotate-root' },
    ]);
  });
});

describe('RunAnalysis.leases.outstanding', () => {
  const analyze = (events: RunEvent[]) => analyzeRun({ events, settleMs: 0, measureFromMs: 0, measureToMs: 10,
    timeline: new TimelineRecorder({ binMs: 10, expectedDurationMs: 100 }).toData() }).leases;

  it('uses the `after` lease count when the log has one (kubernetes target)', () => {
    expect(analyze([{ t: 0, type: 'leases_counted', phase: 'before', count: 2 }, { t: 9, type: 'leases_counted', phase: 'after', count: 7 }]))
      .toEqual({ issued: 0, expired: 0, revoked: 0, outstanding: 7 });
  });

  it('otherwise counts issued leases that were neither revoked nor expired', () => {
    expect(analyze([
      { t: 0, type: 'credentials_issued', leaseId: 'a', username: 'u', ttlMs: 1, issuer: 'direct' },
      { t: 0, type: 'credentials_issued', leaseId: 'b', username: 'u', ttlMs: 1, issuer: 'direct' },
      { t: 1, type: 'lease_revoked', leaseId: 'a', reason: 'cleanup' },
      { t: 1, type: 'leases_counted', phase: 'before', count: 5 },
    ])).toEqual({ issued: 2, expired: 0, revoked: 1, outstanding: 1 });
  });
});
