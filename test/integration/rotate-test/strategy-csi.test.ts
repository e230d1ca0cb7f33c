import { describe, expect, it } from 'vitest';
import { useRunDirs } from '../../support/cli-harness.js';
import { failureTimes, issuedByReplica, runScenario, type RunEventJson } from './strategy-run.js';

// csi (Secrets Store CSI driver + Vault provider, ../shared/reference/delivery-strategies.md §3,
// §0.2) on real Postgres and real replica processes: a database user per replica, and without the
// agent cache a new lease per poll that nobody renews or revokes.
const dirs = useRunDirs('vaultctl-csi-');

/** rotationPollInterval in scenarios/local-csi.yaml, counted from each replica's own mount. */
const POLL_MS = 4000;
/** credentials_issued is recorded once the issuer answered (slower on a busy machine); the polls count from the lease's issue. */
const EVENT_LAG_MS = 250;

/** The most leases live at once before `untilMs`: issued and not yet expired or revoked. */
function peakLive(events: RunEventJson[], untilMs: number): number {
  const live = new Set<string>();
  let peak = 0;
  for (const e of events) {
    if (e.t >= untilMs) break;
    if (e.type === 'credentials_issued') live.add(e.leaseId);
    if (e.type === 'lease_expired' || e.type === 'lease_revoked') live.delete(e.leaseId);
    peak = Math.max(peak, live.size);
  }
  return peak;
}

describe('csi on the local target', () => {
  it('one user per replica at start, a new lease per replica at each of its polls, no failure, leases piling up', async () => {
    const r = await runScenario(dirs, 'local-csi');
    expect(r.code, r.rt.err()).toBe(0);
    const byReplica = issuedByReplica(r.events);
    expect([...byReplica.keys()].sort()).toEqual(['r1', 'r2', 'r3']);
    // As many distinct database users at start as replicas: the provider caches the token per pod.
    const mounts = [...byReplica.values()].map((issued) => issued[0]);
    expect(new Set(mounts.map((m) => m.username)).size).toBe(3);
    const loadEnd = r.events.find((e) => e.type === 'load_finished')!.t;
    let polls = 0;
    for (const [replica, issued] of byReplica) {
      // Every poll of this replica's mount minted (no agent cache): k × pollInterval after its mount.
      expect(issued.length, replica).toBeGreaterThanOrEqual(3);
      issued.slice(1).forEach((poll, i) => {
        const planned = (i + 1) * POLL_MS;
        expect(poll.t - issued[0].t).toBeGreaterThanOrEqual(planned - EVENT_LAG_MS);
        // A busy machine only adds time (timer, then CREATE ROLE); polls are anchored at the mount, so it does not add up.
        expect(poll.t - issued[0].t).toBeLessThan(planned + 2500);
      });
      expect(new Set(issued.map((i) => i.username)).size).toBe(issued.length);
      // Polls go on until the load ends (load_finished comes a little after the planned end).
      expect(issued.at(-1)!.t + POLL_MS).toBeGreaterThan(loadEnd - 2000);
      polls += issued.length - 1;
    }
    // Each poll rewrote one replica's file and that replica re-read it: no rollout, no failure.
    expect(r.events.filter((e) => e.type === 'credentials_reloaded' && e.replicas === 1)).toHaveLength(polls);
    expect(r.events.filter((e) => e.type === 'rollout_started')).toEqual([]);
    expect(r.baseline.requests).toBeGreaterThan(1000);
    // Replaced leases expire (10 s TTL) after the replica moved on: no database error, no refused
    // connection. (Timeouts are left out: a busy machine can add them anywhere.)
    const failed = Object.entries(r.baseline.byCause).filter(([cause]) => cause !== 'timeout');
    expect(failed).toEqual([]);
    const expired = r.events.filter((e) => e.type === 'lease_expired' && e.t < loadEnd);
    expect(expired.length).toBeGreaterThan(0);
    for (const e of expired) {
      const [replica, issued] = [...byReplica].find(([, list]) => list.some((i) => i.leaseId === e.leaseId))!;
      const next = issued[issued.findIndex((i) => i.leaseId === e.leaseId) + 1];
      expect(next, `${replica}'s lease expired before a poll replaced it`).toBeDefined();
      expect(next.t).toBeLessThan(e.t);
    }
    // Neither renewed nor revoked by the provider: leases pile up, about TTL / poll live per replica.
    expect(r.events.filter((e) => e.type === 'lease_renewed')).toEqual([]);
    expect(r.events.filter((e) => e.type === 'lease_revoked' && e.t < loadEnd)).toEqual([]);
    expect(peakLive(r.events, loadEnd)).toBeGreaterThanOrEqual(2 * byReplica.size);
  });

  it('with the agent cache (UNVERIFIED): renewed until max TTL, polls return the cached lease, the next poll mints after it died — failures in between', async () => {
    const r = await runScenario(dirs, 'local-csi-agent');
    expect(r.code, r.rt.err()).toBe(0);
    const byReplica = issuedByReplica(r.events);
    expect(byReplica.size).toBe(2);
    expect(new Set([...byReplica.values()].map((issued) => issued[0].username)).size).toBe(2);
    const expiries: number[] = [];
    for (const [replica, issued] of byReplica) {
      // 6 s lease, 15 s max TTL: the agent renews at 0, 4.2, 8.4 s and 12.6 s (capped); polls at 4, 8, 12 s
      // return it; the lease dies at 15 s; the poll at 16 s mints (src/strategies/csi.ts nextCredentialsAt).
      const renewed = r.events.filter((e) => e.type === 'lease_renewed' && e.leaseId === issued[0].leaseId);
      expect(renewed.length, replica).toBe(4);
      expect(renewed.at(-1)!.capped).toBe(true);
      expect(issued.length).toBe(2);
      const expired = r.events.find((e) => e.type === 'lease_expired' && e.leaseId === issued[0].leaseId)!;
      expect(issued[1].t).toBeGreaterThan(expired.t);
      expect(issued[1].t - issued[0].t).toBeGreaterThanOrEqual(16_000 - EVENT_LAG_MS);
      expect(issued[1].t - issued[0].t).toBeLessThan(16_000 + 2500);
      // Due at max TTL from the issue. The revocation starts then (terminating sessions) and
      // lease_expired is recorded once it is done, later on a busy machine: the due time is the anchor.
      expiries.push(issued[0].t + 15_000);
    }
    // Nothing failed while the leases lived; requests failed from their death to the replicas' polls.
    // A request may have started a query's time before the death it failed on.
    const failures = failureTimes(r.timeline);
    expect(failures.length).toBeGreaterThan(0);
    expect(Math.min(...failures)).toBeGreaterThanOrEqual(Math.min(...expiries) - EVENT_LAG_MS - 100);
    expect(Object.keys(r.baseline.byCause).some((c) => c.includes('28P01') || c.includes('42501'))).toBe(true);
    expect(r.events.filter((e) => e.type === 'rollout_started')).toEqual([]);
  });
});
