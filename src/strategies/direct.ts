import type { LeaseClock, Rand, StrategyFacts, StrategyModule, TimelineEvent } from './strategy.js';
import { NO_JITTER } from './strategy.js';
import { chainSchedule, lifetimeWatcher } from './timing.js';

/** The app manages its own lease (seed 004), as hashicorp/hello-vault-go sample-app/vault_renewal.go. */
export interface DirectParams {
  /** After swapping its pool to new credentials, revoke the old lease (`sys/leases/revoke`). */
  revokeOldLease: boolean;
  /** Time from the swap to the revoke: the old pool's drain (ms). */
  drainMs: number;
}

/** vaultctl's defaults: revoke the old lease after a 5 s drain (the pattern leaves revoking optional). */
export const DIRECT_DEFAULTS: Readonly<DirectParams> = { revokeOldLease: true, drainMs: 5_000 };

const HVG = 'hashicorp/hello-vault-go sample-app/vault_renewal.go';

/** Facts file §7 (Direct access). */
export const DIRECT_FACTS: StrategyFacts = {
  name: 'direct',
  emulates: 'an app holding its own lease, as hashicorp/hello-vault-go (two LifetimeWatchers: token and DB lease)',
  newCredentials: {
    trigger: 'lifetime-watcher-done',
    summary: 'the app renews its lease; when renewals are capped it reads new credentials before max TTL, swaps and drains its pool',
  },
  pickups: ['in-process'],
  oldLease: ['app-revokes', 'expires'],
  perReplicaCredentials: true,
  needsVault: true,
  parameters: [
    { name: 'revokeOldLease', upstream: 'optional sys/leases/revoke of the old lease after the swap', upstreamDefault: false,
      vaultctlDefault: { value: true, why: 'the tidy variant; set false to leave the old lease to expire' },
      source: { key: 'DOC', ref: `${HVG}; facts file §7 step 4` }, certainty: 'DERIVED' },
    { name: 'drainMs', upstream: 'the app\'s pool drain before revoking', upstreamDefault: 0,
      vaultctlDefault: { value: 5_000, why: 'in-flight queries finish before their role is dropped (facts file §0.1)' },
      source: { key: 'DOC', ref: `${HVG}; facts file §7 step 4` }, certainty: 'DERIVED' },
  ],
  sources: [
    { key: 'DOC', ref: `${HVG} (LifetimeWatcher on the DB lease; re-login when the token can no longer be extended)` },
    { key: 'VLT', ref: 'hashicorp/vault api/lifetime_watcher.go (the watcher the app runs)' },
  ],
  unverified: ['token re-login timing (token_max_ttl) is not modelled: leases die with their token (hello-vault-go#27)'],
};

/**
 * When the app reads new credentials: when its LifetimeWatcher on the DB lease returns
 * (remaining ≤ 4×grace, before max TTL). Source: [VLT] api/lifetime_watcher.go; facts file §7.
 */
export function nextCredentialsAt(issuedAtMs: number, leaseMs: number, maxTtlMs: number, _params: DirectParams, rand: Rand = NO_JITTER): number {
  return lifetimeWatcher({ issuedAtMs, leaseMs, maxTtlMs }, rand).doneAtMs;
}

/** Renewals, the in-process swap (`pickup`), and the old lease revoked after the drain (or expiring). */
export function schedule(lease: LeaseClock, untilMs: number, params: DirectParams, rand: Rand = NO_JITTER): TimelineEvent[] {
  return chainSchedule(lease, untilMs, (clock) => {
    const run = lifetimeWatcher(clock, rand);
    const revokeAt = run.doneAtMs + params.drainMs;
    const end = params.revokeOldLease && revokeAt < run.leaseEndsAtMs
      ? { atMs: revokeAt, kind: 'revoke' as const }
      : { atMs: run.leaseEndsAtMs, kind: 'lease-expires' as const };
    return {
      events: [...run.renewals.map((r) => ({ atMs: r.atMs, kind: r.truncated ? 'renew-truncated' as const : 'renew' as const })), end],
      next: { atMs: run.doneAtMs, pickupAtMs: run.doneAtMs },
    };
  });
}

/** The strategy as registered in the table. */
export const direct: StrategyModule<DirectParams> = { facts: DIRECT_FACTS, defaults: DIRECT_DEFAULTS, nextCredentialsAt, schedule };
