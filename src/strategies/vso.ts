import type { LeaseClock, Rand, StrategyFacts, StrategyModule, TimelineEvent } from './strategy.js';
import { NO_JITTER } from './strategy.js';
import { chainSchedule } from './timing.js';

/** Vault Secrets Operator VaultDynamicSecret + rolloutRestartTargets (seed 004). */
export interface VsoParams {
  /** `spec.renewalPercent`: renew at this percent of the lease (capped to 0–90), before jitter. */
  renewalPercent: number;
  /** `spec.revoke`: revoke the lease when the VaultDynamicSecret is deleted (never on rotation). */
  revoke: boolean;
}

/** Upstream defaults: renewalPercent 67, revoke false ([VSO] api/v1beta1 VaultDynamicSecret spec). */
export const VSO_DEFAULTS: Readonly<VsoParams> = { renewalPercent: 67, revoke: false };

/** VSO caps renewalPercent at 90 ([VSO] controllers/common.go renewalPercentCap). */
export const VSO_RENEWAL_PERCENT_CAP = 90;

const VSO = 'hashicorp/vault-secrets-operator@v1.4.1';

/** Facts file §1 (Vault Secrets Operator) and §0.3 (the horizon). */
export const VSO_FACTS: StrategyFacts = {
  name: 'vso',
  emulates: 'Vault Secrets Operator v1.4.1 VaultDynamicSecret with rolloutRestartTargets',
  newCredentials: {
    trigger: 'renewal-truncated',
    summary: 'renews at 67–77 % of the lease; new credentials (and a rollout) when a renewal comes back truncated by max TTL',
  },
  pickups: ['restart'],
  oldLease: ['expires', 'revoked-on-delete'],
  perReplicaCredentials: false,
  needsVault: false,
  parameters: [
    {
      name: 'renewalPercent', upstream: 'VaultDynamicSecret spec.renewalPercent', upstreamDefault: 67,
      source: { key: 'VSO', ref: `${VSO} api/v1beta1/vaultdynamicsecret_types.go (default 67, range 0–90)` }, certainty: 'DERIVED',
    },
    {
      name: 'revoke', upstream: 'VaultDynamicSecret spec.revoke', upstreamDefault: false,
      source: { key: 'VSO', ref: `${VSO} controllers/vaultdynamicsecret_controller.go L802-857 (revoke on delete only)` }, certainty: 'DERIVED',
    },
  ],
  sources: [
    { key: 'VSO', ref: `${VSO} controllers/common.go L112-121 (computeDynamicHorizonWithJitter)` },
    { key: 'VSO', ref: `${VSO} controllers/vaultdynamicsecret_controller.go L292-409 (truncation → new creds), L729-750 (renew)` },
    { key: 'VSO', ref: `${VSO} helpers/rollout_restart.go L25, L117-152 (restartedAt patch)` },
  ],
  unverified: ['overlap 0.23–1×default_ttl is arithmetic, not measured (facts file §10.6)'],
};

/**
 * When VSO renews a lease of `durationMs`: `duration × renewalPercent/100 + 10 % − rand·10 %`,
 * i.e. in (67 %, 77 %] of the lease by default; with a 1 h lease between 40.2 and 46.2 min.
 * rand() = 0 gives the late end. Source: [VSO] controllers/common.go L112-121
 * (computeDynamicHorizonWithJitter, computeMaxJitter); facts file §0.3.
 */
export function vsoRenewalDelayMs(durationMs: number, renewalPercent: number, rand: Rand = NO_JITTER): number {
  const percent = Math.min(Math.max(renewalPercent, 0), VSO_RENEWAL_PERCENT_CAP);
  const jitterMax = 0.1 * durationMs;
  return (durationMs * percent) / 100 + jitterMax - rand() * jitterMax;
}

/** One lease under VSO: its renewals, and the truncated one that brings new credentials. */
function leaseRun(clock: LeaseClock, params: VsoParams, rand: Rand) {
  const maxEnd = clock.issuedAtMs + clock.maxTtlMs;
  const duration = Math.min(clock.leaseMs, clock.maxTtlMs);
  const renewals: number[] = [];
  let t = clock.issuedAtMs;
  for (;;) {
    const delay = vsoRenewalDelayMs(duration, params.renewalPercent, rand);
    if (!(delay > 0)) throw new RangeError(`VSO renewal delay must be > 0 (lease ${duration} ms, renewalPercent ${params.renewalPercent})`);
    t += delay;
    // VSO asks for the current duration again; Vault gives min(that, time left to max TTL).
    if (maxEnd - t < duration) return { renewals, truncatedAtMs: t, leaseEndsAtMs: maxEnd };
    renewals.push(t);
  }
}

/**
 * New credentials come at the first renewal whose answer is shorter than asked (max TTL left <
 * the lease): not at every renewal. The old lease is not revoked and lives until max TTL, so the
 * overlap is ≈0.23–1×default_ttl. Source: [VSO] controllers/vaultdynamicsecret_controller.go
 * L292-409, L729-750; facts file §1 "Renewal and truncation".
 */
export function nextCredentialsAt(issuedAtMs: number, leaseMs: number, maxTtlMs: number, params: VsoParams, rand: Rand = NO_JITTER): number {
  return leaseRun({ issuedAtMs, leaseMs, maxTtlMs }, params, rand).truncatedAtMs;
}

/**
 * Renewals, the truncated renewal, the rollout at once (restartedAt patch) and the old lease
 * expiring at its max TTL. rand is drawn once per renewal, in order.
 */
export function schedule(lease: LeaseClock, untilMs: number, params: VsoParams, rand: Rand = NO_JITTER): TimelineEvent[] {
  return chainSchedule(lease, untilMs, (clock) => {
    const run = leaseRun(clock, params, rand);
    return {
      events: [
        ...run.renewals.map((atMs) => ({ atMs, kind: 'renew' as const })),
        { atMs: run.truncatedAtMs, kind: 'renew-truncated' },
        { atMs: run.leaseEndsAtMs, kind: 'lease-expires' },
      ],
      next: { atMs: run.truncatedAtMs, pickupAtMs: run.truncatedAtMs },
    };
  });
}

/** The strategy as registered in the table. */
export const vso: StrategyModule<VsoParams> = { facts: VSO_FACTS, defaults: VSO_DEFAULTS, nextCredentialsAt, schedule };
