import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanAndRedacted, useRunDirs, runVaultctl } from '../../support/cli-harness.js';

// Real embedded Postgres, real replica processes, real autocannon load through the real proxy.
const dirs = useRunDirs('vaultctl-results-');

interface Stats { requests: number; failures: number; byKind: Record<string, number>; byCause: Record<string, number> }
interface Rollout extends Stats { trigger: string; completed: boolean; startMs: number; window: { fromMs: number; toMs: number } }

async function run(name: string) {
  const out = join(dirs.out, name);
  const { code, rt } = await runVaultctl(['rotate-test', `test/fixtures/runs/${name}.yaml`, '--out', out]);
  const runFile = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  const events = readFileSync(join(out, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  // Nothing the run started may survive it, and no password or token it created appears anywhere it wrote.
  expectCleanAndRedacted(rt, out, dirs.tmp);
  return { code, rt, runFile, events, rollouts: runFile.analysis.rollouts as Rollout[], baseline: runFile.analysis.baseline as Stats };
}

describe('rotate-test on the local target', () => {
  it('3 graceful replicas with restart: one rollout per rotation, none drops a request but to the keep-alive race', async () => {
    const r = await run('graceful-three');
    expect(r.code, r.rt.err()).toBe(0);
    expect(r.rt.err()).toContain('Starting the service proxy (kube-proxy)');
    const rotations = r.events.filter((e) => e.type === 'rotation_triggered');
    expect(rotations.length).toBe(3);
    expect(r.rollouts.length).toBe(rotations.length);
    for (const ro of r.rollouts) {
      expect(ro.completed).toBe(true);
      expect(ro.requests).toBeGreaterThan(0);
      // The Service pins kept-alive connections (kube-proxy mode). A draining replica closes its
      // idle ones, which can race a request the client just sent on one: at most one reset per
      // client connection per replica that drained, and nothing else.
      const drained = r.events.filter((e) => e.type === 'replica_terminating'
        && e.t >= ro.window.fromMs && e.t <= ro.window.toMs).length;
      expect(Object.keys(ro.byCause).filter((c) => c !== 'conn_reset:ECONNRESET')).toEqual([]);
      expect(ro.failures).toBeLessThanOrEqual(GRACEFUL_THREE_CONNECTIONS * drained);
    }
    expect(r.baseline.failures).toBe(0);
    expect(r.rt.out()).toMatch(/rollout|#/i);
  });

  it('1 replica without graceful drain: every rollout drops requests, and they are attributed to it', async () => {
    const r = await run('single-ungraceful');
    expect(r.code, r.rt.err()).toBe(0);
    expect(r.rollouts.length).toBe(3);
    for (const ro of r.rollouts) {
      expect(ro.failures).toBeGreaterThan(0);
      // No ready replica: the Service refuses new connections, as kube-proxy's REJECT rule does.
      expect(ro.byCause['conn_refused:ECONNREFUSED']).toBeGreaterThan(0);
    }
    expect(r.baseline.failures).toBe(0);
  });

  it('TTL shorter than the refresh, reload none: 28P01 failures after the TTL, outside any rollout', async () => {
    const r = await run('expiry-before-refresh');
    expect(r.code, r.rt.err()).toBe(0);
    expect(r.rollouts.length).toBe(0);
    expect(r.baseline.failures).toBeGreaterThan(0);
    expect(Object.keys(r.baseline.byCause).some((c) => c.includes('28P01'))).toBe(true);
    const issued = r.events.find((e) => e.type === 'credentials_issued');
    const expired = r.events.find((e) => e.type === 'lease_expired' && e.leaseId === issued.leaseId);
    expect(expired.t - issued.t).toBeGreaterThanOrEqual(issued.ttlMs - 50);
    // No failure before the TTL ran out. Requests count by their start, and one in flight at the
    // expiry (its session terminated by the revocation) started up to a request's latency earlier.
    const timeline = JSON.parse(readFileSync(join(dirs.out, 'expiry-before-refresh', 'timeline.json'), 'utf8'));
    expect(firstFailureMs(timeline)).toBeGreaterThanOrEqual(issued.t + issued.ttlMs - IN_FLIGHT_MS);
  });

  it('revoke: 57P01/28P01 failures from the revocation until the next rollout recovers', async () => {
    const r = await run('revoke-chaos');
    expect(r.code, r.rt.err()).toBe(0);
    const revoked = r.events.find((e) => e.type === 'lease_revoked' && e.reason === 'revoke');
    expect(revoked).toBeDefined();
    const revokeStarted = r.events.find((e) => e.type === 'rotation_triggered' && e.trigger === 'revoke');
    const causes = [...Object.keys(r.baseline.byCause), ...r.rollouts.flatMap((ro) => Object.keys(ro.byCause))];
    expect(causes.some((c) => /57P01|28P01/.test(c))).toBe(true);
    expect(r.rollouts.length).toBe(1);
    const timeline = JSON.parse(readFileSync(join(dirs.out, 'revoke-chaos', 'timeline.json'), 'utf8'));
    expect(firstFailureMs(timeline)).toBeGreaterThanOrEqual(revokeStarted.t - IN_FLIGHT_MS);
    // Recovered: nothing fails once the rollout has completed and settled.
    expect(lastFailureMs(timeline)).toBeLessThan(r.rollouts[0].window.toMs);
  });
});

/** `load.connections` of test/fixtures/runs/graceful-three.yaml. */
const GRACEFUL_THREE_CONNECTIONS = 10;

/** How much earlier than its failure a request may have started: a query of a few ms plus a bin. */
const IN_FLIGHT_MS = 100;

/** Start (ms) of the first time bin holding a failure of any kind. */
type Timeline = { binMs: number; failures: Record<string, [number, number][]> };
function firstFailureMs(t: Timeline): number {
  const bins = failureBins(t);
  return Math.min(...bins) * t.binMs;
}
function lastFailureMs(t: Timeline): number {
  const bins = failureBins(t);
  return Math.max(...bins) * t.binMs;
}
function failureBins(t: Timeline): number[] {
  return Object.values(t.failures).flatMap((pairs) => pairs.map(([bin]) => bin));
}
