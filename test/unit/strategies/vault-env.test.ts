import { describe, expect, it } from 'vitest';
import { nextCredentialsAt, schedule, terminateAt, VAULT_ENV_DEFAULTS, VAULT_ENV_FACTS } from '../../../src/strategies/vault-env.js';
import { HOUR, MIN, minutesOf } from './helpers.js';

// Facts file §5 "Dynamic creds" [BVE main.go L98-140, L339-400]: non-daemon mode execs the app with no
// renewal (the lease dies at default_ttl); daemon mode runs a LifetimeWatcher per lease and, when it ends,
// sends SIGTERM, SIGKILL after 10 s, and exits; the container restarts in place with new creds (no rollout).
describe('vault-env timing', () => {
  it('is daemon mode in vaultctl although the webhook default is off, and kills 10 s after SIGTERM', () => {
    expect(VAULT_ENV_DEFAULTS).toMatchObject({ daemon: true, killAfterMs: 10_000 });
    expect(VAULT_ENV_FACTS.parameters.find((p) => p.name === 'daemon')).toMatchObject({ upstreamDefault: false, vaultctlDefault: { value: true } });
  });

  it('SIGTERMs the app when renewal stops near max TTL and restarts it in place with new credentials', () => {
    expect(terminateAt(0, HOUR, 3 * HOUR, VAULT_ENV_DEFAULTS, () => 0)).toBe(164 * MIN);
    const params = { ...VAULT_ENV_DEFAULTS, restartDelayMs: 10_000 };
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, params, () => 0)).toBe(164 * MIN + 10_000);
    const ev = schedule({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR }, 3 * HOUR, params, () => 0);
    expect(minutesOf(ev, 'terminate')).toEqual([164]);
    expect(ev.filter((e) => e.kind === 'pickup')).toEqual([{ atMs: 164 * MIN + 10_000, kind: 'pickup', lease: 1 }]);
    expect(minutesOf(ev, 'lease-expires', 0)).toEqual([180]);
  });

  it('restarts replicas started together at the same moment (an outage), and spread starts spread the restarts', () => {
    const together = [0, 0, 0].map((t) => terminateAt(t, HOUR, 3 * HOUR, VAULT_ENV_DEFAULTS, () => 0.3));
    expect(new Set(together).size).toBe(1);
    const spread = [0, 20 * MIN, 40 * MIN].map((t) => terminateAt(t, HOUR, 3 * HOUR, VAULT_ENV_DEFAULTS, () => 0.3)!);
    expect(spread[1] - spread[0]).toBe(20 * MIN);
    expect(spread[2] - spread[1]).toBe(20 * MIN);
  });

  it('without daemon mode never renews: no new credentials, the lease dies at default TTL', () => {
    const params = { ...VAULT_ENV_DEFAULTS, daemon: false };
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, params)).toBeNull();
    const ev = schedule({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR }, 3 * HOUR, params);
    expect(ev.map((e) => `${e.atMs / MIN}:${e.kind}`)).toEqual(['0:issue', '60:lease-expires']);
  });

  it('records the facts: in-place restart, per-replica credentials, restart back-off UNVERIFIED', () => {
    expect(VAULT_ENV_FACTS).toMatchObject({ pickups: ['in-place-restart', 'env-at-start'], perReplicaCredentials: true });
    expect(VAULT_ENV_FACTS.parameters.find((p) => p.name === 'restartDelayMs')?.certainty).toBe('UNVERIFIED');
  });
});
