import { describe, expect, it } from 'vitest';
import { credentialsDieAt, INIT_RENEWER_DEFAULTS, INIT_RENEWER_FACTS, nextCredentialsAt, schedule } from '../../../src/strategies/init-renewer.js';
import { HOUR, MIN, minutesOf } from './helpers.js';

// Facts file §6 "renewer" [WWR src/renew-token.sh]: RENEW_INTERVAL 21600 s; renews each lease whose TTL is
// below 2·interval; any Vault warning (TTL capped) makes it exit 1; never fetches new creds.
describe('init-renewer timing', () => {
  it('has RENEW_INTERVAL 6 h and never brings new credentials', () => {
    expect(INIT_RENEWER_DEFAULTS.renewIntervalMs).toBe(21_600 * 1000);
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, INIT_RENEWER_DEFAULTS)).toBeNull();
  });

  it('with the default 6 h interval and a 1 h lease, the credentials die at 1 h (the next run comes too late)', () => {
    expect(credentialsDieAt(0, HOUR, 24 * HOUR, INIT_RENEWER_DEFAULTS)).toBe(HOUR);
  });

  it('renews until max TTL when it runs often enough, then the credentials die at max TTL', () => {
    const params = { renewIntervalMs: 10 * MIN, incrementMs: HOUR };
    expect(credentialsDieAt(0, HOUR, 3 * HOUR, params)).toBe(3 * HOUR);
    const ev = schedule({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR }, 4 * HOUR, params);
    // Runs every 10 min, renews when TTL < 2·10 min: at 50 and 100 (to +60 min); at 150 only 30 min are left
    // to max TTL: capped (a warning, the renewer exits 1). Nothing renews after; the lease ends at 3 h.
    expect(minutesOf(ev, 'renew')).toEqual([50, 100]);
    expect(minutesOf(ev, 'renew-truncated')).toEqual([150]);
    expect(minutesOf(ev, 'lease-expires')).toEqual([180]);
    expect(minutesOf(ev, 'issue')).toEqual([0]);
  });

  it('renews at the first run when the lease is shorter than 2·interval', () => {
    const ev = schedule({ issuedAtMs: 0, leaseMs: 30 * MIN, maxTtlMs: 2 * HOUR }, 3 * HOUR, { renewIntervalMs: 20 * MIN, incrementMs: 30 * MIN });
    expect(minutesOf(ev, 'renew')).toEqual([0, 20, 40, 60, 80]);
    expect(minutesOf(ev, 'renew-truncated')).toEqual([100]);
    expect(minutesOf(ev, 'lease-expires')).toEqual([120]);
  });

  it('records the facts: env at start, renewed until max, images UNVERIFIED', () => {
    expect(INIT_RENEWER_FACTS).toMatchObject({ pickups: ['env-at-start'], oldLease: ['renewed-until-max'], newCredentials: { trigger: 'pod-start' } });
    expect(INIT_RENEWER_FACTS.unverified.join(' ')).toMatch(/UNVERIFIED|emulated/);
  });
});
