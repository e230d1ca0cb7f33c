import { describe, expect, it } from 'vitest';
import { useRunDirs } from '../../support/cli-harness.js';
import { failureTimes, issuedByReplica, maxOverlap, runScenario, type RunEventJson } from './strategy-run.js';

// vault-env (Bank-Vaults daemon mode, ../shared/reference/delivery-strategies.md §5) on real Postgres
// and real replica processes: every container restarts in place when its own lease's watcher returns.
const dirs = useRunDirs('vaultctl-vault-env-');

/** 6 s lease, 15 s max TTL: the watcher returns (SIGTERM) 12.6 s after the lease was issued (src/strategies/vault-env.ts). */
const TERMINATE_AFTER_MS = 12_600;
/** credentials_issued is recorded once the issuer answered (slower on a busy machine); the lease's clock starts when it was issued. */
const EVENT_LAG_MS = 250;
/** SIGTERM → drained → exited → new start → new credentials: the demo app drains idle connections for 1 s. */
const RESTART_MS = 4000;

const load = (events: RunEventJson[]) => ({
  from: events.find((e) => e.type === 'load_started')!.t as number,
  to: events.find((e) => e.type === 'load_finished')!.t as number,
});

/** A replica's exits during the load (the cleanup stops every replica after it). */
const inPlaceExits = (events: RunEventJson[], replica: string) =>
  events.filter((e) => e.type === 'replica_exited' && e.replica === replica && e.t < load(events).to);

/**
 * Each replica's time out of service for its in-place restart: from its SIGTERM (its first lease's
 * watcher return) to its ready again after the exit.
 */
function restartSpans(events: RunEventJson[]): [number, number][] {
  return restarts(events).map(({ replica, issued }) => {
    const exit = inPlaceExits(events, replica)[0].t;
    const ready = events.find((e) => e.type === 'replica_ready' && e.replica === replica && e.t > exit);
    return [issued[0].t + TERMINATE_AFTER_MS - EVENT_LAG_MS, ready ? ready.t : Infinity];
  });
}

/** Each replica's in-place restart: its first lease, the SIGTERM (watcher return) and its second lease. */
function restarts(events: RunEventJson[]) {
  return [...issuedByReplica(events)].map(([replica, issued]) => ({ replica, issued }));
}

describe('vault-env on the local target', () => {
  it('replicas started together restart in place together at max TTL, with new users: an outage with 3 replicas, no rollout', async () => {
    const r = await runScenario(dirs, 'local-vault-env');
    expect(r.code, r.rt.err()).toBe(0);
    const byReplica = restarts(r.events);
    expect(byReplica.map((x) => x.replica).sort()).toEqual(['r1', 'r2', 'r3']);
    // Each replica its own database user at start.
    expect(new Set(byReplica.map((x) => x.issued[0].username)).size).toBe(3);
    for (const { replica, issued } of byReplica) {
      // Restarted in place once, when its own lease's watcher returned, with a new user.
      expect(issued.length, replica).toBe(2);
      expect(issued[1].username).not.toBe(issued[0].username);
      const exited = inPlaceExits(r.events, replica);
      expect(exited).toHaveLength(1);
      expect(exited[0].expected).toBe(true);
      expect(exited[0].t - issued[0].t).toBeGreaterThanOrEqual(TERMINATE_AFTER_MS - EVENT_LAG_MS);
      expect(issued[1].t - issued[0].t).toBeLessThan(TERMINATE_AFTER_MS + RESTART_MS);
      expect(r.events.filter((e) => e.type === 'replica_started' && e.replica === replica)).toHaveLength(2);
    }
    // Each first lease was renewed until max TTL capped it (a late timer can make one more renewal capped); no surge, no rollout.
    for (const { issued } of byReplica) {
      const renewed = r.events.filter((e) => e.type === 'lease_renewed' && e.leaseId === issued[0].leaseId);
      expect(renewed.length).toBeGreaterThanOrEqual(3);
      expect(renewed.at(-1)!.capped).toBe(true);
    }
    expect(r.events.filter((e) => e.type === 'rollout_started')).toEqual([]);
    expect(r.rollouts).toEqual([]);
    // Together: an outage though there are three replicas; requests failed then, none before the first SIGTERM.
    const firstTerm = Math.min(...byReplica.map((x) => x.issued[0].t)) + TERMINATE_AFTER_MS - EVENT_LAG_MS;
    const lastBack = Math.max(...byReplica.map((x) => x.issued[1].t)) + RESTART_MS;
    // All three out of service at once, from their SIGTERMs until each is ready again.
    expect(maxOverlap(restartSpans(r.events))).toBe(3);
    // The kinds a restart causes (a busy machine can add timeouts anywhere).
    const failures = failureTimes(r.timeline, ['conn_refused', 'conn_reset', 'http_5xx']);
    expect(r.baseline.failures).toBeGreaterThan(20);
    expect(Math.min(...failures)).toBeGreaterThanOrEqual(firstTerm - 100);
    expect(Math.max(...failures)).toBeLessThan(lastBack);
    expect(Object.keys(r.baseline.byCause).some((c) => c.startsWith('conn_refused') || c.startsWith('conn_reset'))).toBe(true);
    expect(r.baseline.downtimeMs).toBeGreaterThan(200);
  });

  it('startSpread: the leases reach max TTL apart, so the replicas do not restart all at once', async () => {
    const r = await runScenario(dirs, 'local-vault-env-spread');
    expect(r.code, r.rt.err()).toBe(0);
    const byReplica = restarts(r.events);
    expect(byReplica).toHaveLength(3);
    // 12 s spread over 3 replicas: first leases (and so their watchers' returns) 4 s apart.
    const firsts = byReplica.map(({ issued }) => issued[0].t).sort((a, b) => a - b);
    expect(firsts[1] - firsts[0]).toBeGreaterThan(3500);
    expect(firsts[2] - firsts[1]).toBeGreaterThan(3500);
    for (const { replica, issued } of byReplica) {
      expect(issued.length).toBe(2);
      expect(inPlaceExits(r.events, replica)[0].t - issued[0].t).toBeGreaterThanOrEqual(TERMINATE_AFTER_MS - EVENT_LAG_MS);
    }
    expect(r.events.filter((e) => e.type === 'rollout_started')).toEqual([]);
    // At most two out at once (one on an idle machine): someone is always serving. Restarts are
    // still failures for the connections kube-proxy sends to a replica that stopped listening.
    expect(maxOverlap(restartSpans(r.events))).toBeLessThan(3);
  });
});
