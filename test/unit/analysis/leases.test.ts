import { describe, expect, it } from 'vitest';
import { leaseAccounting } from '../../../src/analysis/leases.js';
import { restartCounts } from '../../../src/analysis/restarts.js';
import type { RunEvent } from '../../../src/ports/events.js';

const issued = (t: number, leaseId: string): RunEvent => ({ t, type: 'credentials_issued', leaseId, username: `u-${leaseId}`, ttlMs: 60_000, issuer: 'direct' });
const renewed = (t: number, leaseId: string): RunEvent => ({ t, type: 'lease_renewed', leaseId, ttlMs: 60_000, capped: false });
const revoked = (t: number, leaseId: string, reason: 'revoke' | 'cleanup'): RunEvent => ({ t, type: 'lease_revoked', leaseId, reason });
const expired = (t: number, leaseId: string): RunEvent => ({ t, type: 'lease_expired', leaseId });

describe('leaseAccounting', () => {
  it('counts a secret-sync-restart pile-up: leases issued, never ended, cleaned up at the end', () => {
    const events = [issued(1000, 'a'), issued(5000, 'b'), issued(9000, 'c'),
      revoked(20_000, 'a', 'cleanup'), revoked(20_000, 'b', 'cleanup'), revoked(20_000, 'c', 'cleanup')];
    const l = leaseAccounting(events);
    expect(l).toMatchObject({ issued: 3, renewed: 0, revoked: 0, expired: 0, outstandingAtEnd: 3, vaultCalls: 3 });
    // Cleanup is vaultctl's, not the strategy's: the series keeps the pile-up.
    expect(l.live).toEqual([{ tMs: 0, live: 0 }, { tMs: 1000, live: 1 }, { tMs: 5000, live: 2 }, { tMs: 9000, live: 3 }]);
    expect(l.peak).toEqual({ tMs: 9000, live: 3 });
  });

  it('counts renewals, the run\'s own revocations and expiries, and the overlap of two leases', () => {
    const events: RunEvent[] = [issued(0, 'a'), renewed(4000, 'a'), renewed(8000, 'a'), issued(10_000, 'b'),
      { t: 10_050, type: 'credentials_reloaded', leaseId: 'b', replicas: 3 }, expired(12_000, 'a'),
      issued(14_000, 'c'), revoked(15_000, 'b', 'revoke'), { t: 16_000, type: 'password_rotated', leaseId: 'static', username: 'app' },
      { t: 16_500, type: 'something_newer' } as unknown as RunEvent,
      revoked(20_000, 'c', 'cleanup')];
    const l = leaseAccounting(events);
    expect(l).toMatchObject({ issued: 3, renewed: 2, revoked: 1, expired: 1, passwordRotations: 1, outstandingAtEnd: 1, vaultCalls: 6 });
    expect(l.live).toEqual([{ tMs: 0, live: 1 }, { tMs: 10_000, live: 2 }, { tMs: 12_000, live: 1 },
      { tMs: 14_000, live: 2 }, { tMs: 15_000, live: 1 }]);
    expect(l.peak).toEqual({ tMs: 10_000, live: 2 });
  });

  it('sorts events by time, ignores ends of unknown leases and a second end of the same lease', () => {
    const l = leaseAccounting([issued(3000, 'b'), issued(1000, 'a'), expired(2000, 'zz'), revoked(4000, 'a', 'revoke'), expired(4500, 'a')]);
    expect(l).toMatchObject({ issued: 2, revoked: 1, expired: 0, outstandingAtEnd: 1 });
    expect(l.live).toEqual([{ tMs: 0, live: 0 }, { tMs: 1000, live: 1 }, { tMs: 3000, live: 2 }, { tMs: 4000, live: 1 }]);
  });

  it('is all zero without leases', () => {
    expect(leaseAccounting([])).toEqual({ issued: 0, renewed: 0, revoked: 0, expired: 0, passwordRotations: 0, outstandingAtEnd: 0, vaultCalls: 0,
      live: [{ tMs: 0, live: 0 }], peak: { tMs: 0, live: 0 } });
  });
});

describe('restartCounts', () => {
  it('tells rollouts (new replica ids) from in-place restarts (same id) and counts reloads', () => {
    const events: RunEvent[] = [
      { t: 0, type: 'replica_started', replica: 'r1', revision: 1, port: 1 },
      { t: 0, type: 'replica_started', replica: 'r2', revision: 1, port: 2 },
      { t: 100, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 2 },
      { t: 110, type: 'replica_started', replica: 'r3', revision: 2, port: 3 },
      { t: 200, type: 'replica_exited', replica: 'r1', revision: 1, code: 0, signal: null, expected: true },
      { t: 300, type: 'credentials_reloaded', leaseId: 'x', replicas: 2 },
      { t: 400, type: 'replica_exited', replica: 'r2', revision: 1, code: null, signal: 'SIGTERM', expected: false },
      { t: 450, type: 'replica_started', replica: 'r2', revision: 1, port: 4 },
      { t: 500, type: 'replica_exited', replica: 'r2', revision: 1, code: null, signal: 'SIGTERM', expected: false },
      { t: 550, type: 'replica_started', replica: 'r2', revision: 1, port: 5 },
    ];
    expect(restartCounts(events)).toEqual({ rollouts: 1, inPlaceRestarts: 2, reloads: 1 });
  });
});
