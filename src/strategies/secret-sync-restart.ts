import type { LeaseClock, Rand, StrategyFacts, StrategyModule, TimelineEvent } from './strategy.js';
import { unrenewedEnd } from './strategy.js';
import { chainSchedule } from './timing.js';

/**
 * ESO VaultDynamicSecret generator + Wave or Reloader (seed 000): a synced Secret, re-read every
 * refresh interval, each change rolling the Deployment.
 */
export interface SecretSyncRestartParams {
  /** ExternalSecret `spec.refreshInterval` in ms; 0 = fetch once and never again. */
  refreshIntervalMs: number;
}

/**
 * ESO `refreshInterval` defaults to 1h ([ESO] apis/externalsecrets/v1/externalsecret_types.go,
 * `+kubebuilder:default="1h"`; read at snapshot 0126c16: the facts file does not state it).
 */
export const SECRET_SYNC_RESTART_DEFAULTS: Readonly<SecretSyncRestartParams> = { refreshIntervalMs: 3_600_000 };

/** Facts file "Matrix" row ESO+Wave / ESO+Reloader and §4 (Reloader). */
export const SECRET_SYNC_RESTART_FACTS: StrategyFacts = {
  name: 'secret-sync-restart',
  emulates: 'External Secrets Operator v2.9.0 VaultDynamicSecret generator + Wave or Stakater Reloader v1.4.21 (chart 2.2.16)',
  newCredentials: {
    trigger: 'refresh-interval',
    summary: 'every refreshInterval ESO reads database/creds again: a new lease each time, whatever the old one has left',
  },
  pickups: ['restart'],
  oldLease: ['never'],
  perReplicaCredentials: false,
  needsVault: false,
  parameters: [{
    name: 'refreshIntervalMs', upstream: 'ExternalSecret spec.refreshInterval', upstreamDefault: 3_600_000,
    source: { key: 'ESO', ref: 'external-secrets/external-secrets apis/externalsecrets/v1/externalsecret_types.go (RefreshInterval, +kubebuilder:default="1h"; 0 = fetch once); read at snapshot 0126c16, not the facts file\'s cc5bfbc' },
    certainty: 'DERIVED',
  }],
  sources: [
    { key: 'ESO', ref: 'external-secrets/external-secrets@v2.9.0 apis/externalsecrets/v1/externalsecret_types.go L126 (mergePolicy Replace)' },
    { key: 'REL', ref: 'stakater/Reloader@v1.4.21 internal/pkg/handler/update.go L45-46 (reload when the SHA1 of .data changes)' },
  ],
  unverified: ['Wave and Reloader on one Deployment (facts file §10.4)'],
};

/**
 * The next new credentials: `issuedAt + refreshInterval` (null when refreshInterval is 0). The
 * lease is never renewed, so when refreshInterval ≥ min(lease, maxTtl) the replicas hold dead
 * credentials in between. Source: facts file "Matrix" (ESO row: new creds every refreshInterval,
 * old lease never renewed or revoked), [ESO] externalsecret_types.go RefreshInterval.
 */
export function nextCredentialsAt(
  issuedAtMs: number, _leaseMs: number, _maxTtlMs: number, params: SecretSyncRestartParams, _rand?: Rand,
): number | null {
  return params.refreshIntervalMs > 0 ? issuedAtMs + params.refreshIntervalMs : null;
}

/**
 * One Secret's credentials over time: an issue each refresh, the rollout (`pickup`) at once
 * (Reloader and Wave are event-driven, facts file §4), and each lease expiring unrenewed at
 * `issuedAt + min(lease, maxTtl)`: the pile-up of live leases.
 */
export function schedule(lease: LeaseClock, untilMs: number, params: SecretSyncRestartParams): TimelineEvent[] {
  return chainSchedule(lease, untilMs, (clock) => {
    const next = nextCredentialsAt(clock.issuedAtMs, clock.leaseMs, clock.maxTtlMs, params);
    return {
      events: [{ atMs: unrenewedEnd(clock), kind: 'lease-expires' }],
      next: next === null ? null : { atMs: next, pickupAtMs: next },
    };
  });
}

/** The strategy as registered in the table. */
export const secretSyncRestart: StrategyModule<SecretSyncRestartParams> = {
  facts: SECRET_SYNC_RESTART_FACTS, defaults: SECRET_SYNC_RESTART_DEFAULTS, nextCredentialsAt, schedule,
};
