import { describe, expect, it } from 'vitest';
import { nextCredentialsAt, schedule, SECRET_SYNC_RESTART_DEFAULTS, SECRET_SYNC_RESTART_FACTS } from '../../../src/strategies/secret-sync-restart.js';
import { liveLeasesAt, overlaps } from '../../../src/strategies/timing.js';
import { HOUR, MIN, minutesOf } from './helpers.js';

// Facts file "Matrix", ESO+Wave / ESO+Reloader row: new creds every refreshInterval, SHA1 change → rolling
// update [REL update.go L45-46], the old lease never renewed or revoked. ESO refreshInterval defaults to 1h.
describe('secret-sync-restart timing', () => {
  it('gets new credentials every refreshInterval (default 1 h) and never with 0', () => {
    expect(SECRET_SYNC_RESTART_DEFAULTS.refreshIntervalMs).toBe(HOUR);
    expect(nextCredentialsAt(5 * MIN, HOUR, 24 * HOUR, SECRET_SYNC_RESTART_DEFAULTS)).toBe(65 * MIN);
    expect(nextCredentialsAt(0, HOUR, 24 * HOUR, { refreshIntervalMs: 0 })).toBeNull();
  });

  it('piles up leases: 5 min refreshes with 1 h leases leave 12 alive after an hour', () => {
    const ev = schedule({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 24 * HOUR }, HOUR, { refreshIntervalMs: 5 * MIN });
    expect(minutesOf(ev, 'issue')).toHaveLength(13);
    expect(minutesOf(ev, 'pickup').slice(0, 3)).toEqual([5, 10, 15]);
    expect(liveLeasesAt(ev, HOUR)).toBe(12);
    expect(overlaps(ev)[0]).toEqual({ lease: 0, overlapMs: 55 * MIN });
  });

  it('leaves replicas on dead credentials when the refresh is slower than the lease (negative overlap)', () => {
    const ev = schedule({ issuedAtMs: 0, leaseMs: 30 * MIN, maxTtlMs: HOUR }, HOUR, SECRET_SYNC_RESTART_DEFAULTS);
    expect(minutesOf(ev, 'lease-expires')).toEqual([30]);
    expect(overlaps(ev)).toEqual([{ lease: 0, overlapMs: -30 * MIN }]);
  });

  it('records the facts: rolling restart, old lease never renewed or revoked', () => {
    expect(SECRET_SYNC_RESTART_FACTS).toMatchObject({ pickups: ['restart'], oldLease: ['never'], newCredentials: { trigger: 'refresh-interval' } });
  });
});
