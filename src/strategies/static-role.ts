import type { LeaseClock, Rand, StrategyFacts, StrategyModule, TimelineEvent } from './strategy.js';
import { NO_JITTER } from './strategy.js';
import { chainSchedule } from './timing.js';

/** Database static role with rotation_period (seed 004): one DB user, its password rotated in place. */
export interface StaticRoleParams {
  /** Vault static role `rotation_period` in ms (required upstream; minimum 5 s). */
  rotationPeriodMs: number;
  /** What carries the password to the app: VSO static-creds, the agent template, or ESO's generator. */
  carrier: 'vso' | 'agent-template' | 'secret-sync-restart';
  /** ESO `refreshInterval` in ms when the carrier is secret-sync-restart. */
  refreshIntervalMs: number;
}

/** vaultctl's defaults: rotation every hour (stack-facts §C example), carried by VSO; ESO refresh 1 h. */
export const STATIC_ROLE_DEFAULTS: Readonly<StaticRoleParams> = {
  rotationPeriodMs: 3_600_000, carrier: 'vso', refreshIntervalMs: 3_600_000,
};

/** The smallest rotation_period Vault accepts (stack-facts §C). */
export const MIN_ROTATION_PERIOD_MS = 5_000;

/** VSO re-reads static creds `ttl + 0.5 s + jitter`, jitter = 5 % of 3 s ([VSO] vaultdynamicsecret_controller.go computePostSyncHorizon). */
export const VSO_STATIC_EXTRA_MS = 500;
export const VSO_STATIC_JITTER_MAX_MS = 150;
/** The agent (consul-template) sleeps `ttl + 1 s` on static creds ([CT] dependency/vault_common.go L141-157). */
export const AGENT_STATIC_EXTRA_MS = 1_000;

const VSO = 'hashicorp/vault-secrets-operator controllers/vaultdynamicsecret_controller.go';

/** Facts file §8 (Database static roles). */
export const STATIC_ROLE_FACTS: StrategyFacts = {
  name: 'static-role',
  emulates: 'Vault database static role (rotation_period) carried by VSO v1.4.1 allowStaticCreds, Vault Agent, or ESO v2.9.0',
  newCredentials: { trigger: 'rotation-period', summary: 'the password is rotated in place every rotation_period (same user); the carrier re-reads just after' },
  pickups: ['restart', 'reread', 'signal'],
  oldLease: ['no-lease'],
  perReplicaCredentials: false,
  needsVault: false,
  parameters: [
    { name: 'rotationPeriodMs', upstream: 'database/static-roles/<r> rotation_period (required, min 5s)', upstreamDefault: 'required',
      vaultctlDefault: { value: 3_600_000, why: 'upstream has no default; 1h as in stack-facts §C' },
      source: { key: 'DOC', ref: 'stack-facts.md §C "Static roles" (Vault database engine API: rotation_period min 5s)' }, certainty: 'DERIVED' },
    { name: 'carrier', upstream: 'VSO path static-creds/<r> + allowStaticCreds, agent template, or ESO generator', upstreamDefault: 'none',
      vaultctlDefault: { value: 'vso', why: 'a choice, not an upstream setting; VSO re-reads within ~0.65 s of a rotation' },
      source: { key: 'VSO', ref: `${VSO} L47-58, 497-697, 859-909 (facts file §8)` }, certainty: 'DERIVED' },
    { name: 'refreshIntervalMs', upstream: 'ExternalSecret spec.refreshInterval', upstreamDefault: 3_600_000,
      source: { key: 'ESO', ref: 'external-secrets/external-secrets apis/externalsecrets/v1/externalsecret_types.go (default "1h")' }, certainty: 'DERIVED' },
  ],
  sources: [
    { key: 'VSO', ref: `${VSO} computePostSyncHorizon (ttl + 0.5 s + jitter; jitter from staticCredsJitterHorizon 3 s × 0.05), read at snapshot 01360aa` },
    { key: 'CT', ref: 'hashicorp/consul-template@v0.42.1 dependency/vault_common.go L141-157 (sleep ttl + 1 s)' },
    { key: 'ESO', ref: 'external-secrets/external-secrets@v2.9.0 apis/externalsecrets/v1/externalsecret_types.go L126 (template only username/password)' },
  ],
  unverified: [
    'VSO backs off for up to 10 s near a rotation (facts file §8); not modelled',
    'a manual rotate-role goes unseen until the next horizon (VSO #494, vault-k8s#614)',
  ],
};

/**
 * The next password: the next rotation, `rotatedAt + rotation_period` (`issuedAtMs` = the last
 * rotation; the lease arguments are ignored: static creds have no lease). Source: facts file §8.
 */
export function nextCredentialsAt(issuedAtMs: number, _leaseMs: number, _maxTtlMs: number, params: StaticRoleParams, _rand?: Rand): number {
  if (!(params.rotationPeriodMs >= MIN_ROTATION_PERIOD_MS)) throw new RangeError(`rotation_period must be at least ${MIN_ROTATION_PERIOD_MS} ms`);
  return issuedAtMs + params.rotationPeriodMs;
}

/**
 * When the carrier delivers a password rotated at `rotatedAtMs`: VSO at +0.5 s + [0, 150 ms),
 * the agent at +1 s, ESO at its first refresh at or after the rotation (refreshes every
 * refreshInterval from `syncOriginMs`). Until then new logins with the old password fail (28P01);
 * open sessions survive (facts file §0.1). Sources: [VSO] computePostSyncHorizon, [CT]
 * vault_common.go L141-157, [ESO] RefreshInterval; facts file §8.
 */
export function carrierPicksUpAt(rotatedAtMs: number, params: StaticRoleParams, syncOriginMs = rotatedAtMs, rand: Rand = NO_JITTER): number {
  switch (params.carrier) {
    case 'vso': return rotatedAtMs + VSO_STATIC_EXTRA_MS + rand() * VSO_STATIC_JITTER_MAX_MS;
    case 'agent-template': return rotatedAtMs + AGENT_STATIC_EXTRA_MS;
    case 'secret-sync-restart': {
      const n = Math.ceil((rotatedAtMs - syncOriginMs) / params.refreshIntervalMs);
      return syncOriginMs + Math.max(0, n) * params.refreshIntervalMs;
    }
  }
}

/** Rotations (`password-rotated`, the old password dead for new logins at once) and each carrier pickup. */
export function schedule(lease: LeaseClock, untilMs: number, params: StaticRoleParams, rand: Rand = NO_JITTER): TimelineEvent[] {
  const origin = lease.issuedAtMs;
  return chainSchedule(lease, untilMs, (clock) => {
    const next = nextCredentialsAt(clock.issuedAtMs, 0, 0, params);
    return { events: [], next: { atMs: next, pickupAtMs: carrierPicksUpAt(next, params, origin, rand) } };
  }, 'password-rotated');
}

/** The strategy as registered in the table. */
export const staticRole: StrategyModule<StaticRoleParams> = {
  facts: STATIC_ROLE_FACTS, defaults: STATIC_ROLE_DEFAULTS, nextCredentialsAt, schedule,
};
