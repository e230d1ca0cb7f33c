import { describe, expect, it } from 'vitest';
import { DIRECT_DEFAULTS, DIRECT_FACTS, nextCredentialsAt, schedule } from '../../../src/strategies/direct.js';
import { overlaps } from '../../../src/strategies/timing.js';
import { HOUR, MIN, minutesOf } from './helpers.js';

// Facts file §7 (hello-vault-go sample-app/vault_renewal.go): the app renews its lease with a LifetimeWatcher;
// when renewals are capped it reads new creds before max TTL, swaps and drains its pool, then optionally
// revokes the old lease. Needs a Vault-speaking issuer.
describe('direct timing', () => {
  it('reads new credentials when its watcher gives up, before max TTL (1 h lease, 3 h max TTL → 164 min)', () => {
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, DIRECT_DEFAULTS, () => 0)).toBe(164 * MIN);
  });

  it('revokes the old lease after the drain when asked, else lets it expire at max TTL', () => {
    const lease = { issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR };
    const ev = schedule(lease, 3 * HOUR, DIRECT_DEFAULTS, () => 0);
    expect(ev.filter((e) => e.kind === 'revoke')).toEqual([{ atMs: 164 * MIN + 5_000, kind: 'revoke', lease: 0 }]);
    expect(minutesOf(ev, 'pickup')).toEqual([164]);
    expect(overlaps(ev)).toEqual([{ lease: 0, overlapMs: 5_000 }]);
    const kept = schedule(lease, 3 * HOUR, { ...DIRECT_DEFAULTS, revokeOldLease: false }, () => 0);
    expect(minutesOf(kept, 'revoke')).toEqual([]);
    expect(minutesOf(kept, 'lease-expires', 0)).toEqual([180]);
  });

  it('records the facts: needs Vault, in-process pickup, the app revokes', () => {
    expect(DIRECT_FACTS).toMatchObject({ needsVault: true, pickups: ['in-process'], oldLease: ['app-revokes', 'expires'] });
  });
});
