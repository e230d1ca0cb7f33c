import type { RunEvent } from '../ports/events.js';

/*
 * Lease accounting of one run (issue 11 "Comparison"): what each delivery strategy costs Vault and
 * the database, read off the event log alone. Every dynamic lease is one database role, so the
 * live leases are the live database roles; this is how the pile-up of secret-sync-restart (ESO
 * never renews nor revokes the old lease, ../shared/reference/delivery-strategies.md §1) and the
 * overlap of vso show. A static role has no lease: its `password_rotated` events are only
 * counted. Events of other types are ignored.
 */

/** One step of the live-lease series: from `tMs` (run clock) on, `live` leases were live. */
export interface LiveLeasePoint {
  tMs: number;
  live: number;
}

/** Lease figures of a run. */
export interface LeaseAccounting {
  /** `credentials_issued` events (distinct lease ids). */
  issued: number;
  /** `lease_renewed` events: renewals, not leases (a lease renewed 3 times counts 3). */
  renewed: number;
  /** Leases the run itself revoked (`lease_revoked` reason `revoke`), not vaultctl's cleanup. */
  revoked: number;
  /** Leases that reached their (max) TTL (`lease_expired`). */
  expired: number;
  /** static-role: in-place password rotations (`password_rotated`); Vault rotates, so no Vault call of the strategy. */
  passwordRotations: number;
  /**
   * Leases still live when the run ended: revoked by vaultctl's cleanup (`lease_revoked` reason
   * `cleanup`), or never ended in the log. What the strategy would leave behind in Vault and the database.
   */
  outstandingAtEnd: number;
  /**
   * Calls the strategy made to Vault: issue + renew + revoke. vaultctl's own cleanup revocations
   * are not counted (no strategy makes them), nor are token logins or reads of static roles.
   */
  vaultCalls: number;
  /**
   * Live leases (= live database roles) over time as a step series on the run clock, one point
   * per change, starting at {tMs: 0, live: 0}. Cleanup revocations are left out, so the series
   * ends at the pile-up the strategy left.
   */
  live: LiveLeasePoint[];
  /** The highest live count and when it was first reached (run clock); {0, 0} without leases. */
  peak: LiveLeasePoint;
}

/** Counts and the live series from a run's events (in any order: they are sorted by time, stably). */
export function leaseAccounting(events: readonly RunEvent[]): LeaseAccounting {
  const live = new Set<string>();
  const cleaned = new Set<string>();
  const out = { issued: 0, renewed: 0, revoked: 0, expired: 0, passwordRotations: 0 };
  const series: LiveLeasePoint[] = [{ tMs: 0, live: 0 }];
  let peak: LiveLeasePoint = { tMs: 0, live: 0 };
  const step = (tMs: number) => {
    const last = series[series.length - 1];
    if (last.tMs === tMs) last.live = live.size;
    else if (last.live !== live.size) series.push({ tMs, live: live.size });
    if (live.size > peak.live) peak = { tMs, live: live.size };
  };
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i).map((x) => x.e);
  for (const e of sorted) {
    if (e.type === 'credentials_issued') {
      if (live.has(e.leaseId)) continue;
      out.issued++;
      live.add(e.leaseId);
      step(e.t);
    } else if (e.type === 'lease_renewed') {
      out.renewed++;
    } else if (e.type === 'password_rotated') {
      out.passwordRotations++;
    } else if (e.type === 'lease_expired' || e.type === 'lease_revoked') {
      if (!live.has(e.leaseId) || cleaned.has(e.leaseId)) continue;
      if (e.type === 'lease_revoked' && e.reason === 'cleanup') {
        // Cleanup ends the run, not the strategy: the lease stays live in the series and the count.
        cleaned.add(e.leaseId);
        continue;
      }
      live.delete(e.leaseId);
      if (e.type === 'lease_expired') out.expired++;
      else out.revoked++;
      step(e.t);
    }
  }
  return {
    ...out,
    outstandingAtEnd: live.size,
    vaultCalls: out.issued + out.renewed + out.revoked,
    live: series,
    peak,
  };
}
