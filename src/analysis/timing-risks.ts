import type { Scenario } from '../scenario/model.js';
import {
  credentialLifetime, estimateRollout, type CredentialLifetime, type RolloutEstimate,
} from './timing-estimate.js';
import {
  expiryBeforeRefresh, leasePileUp, maxTtlCutsLease, poolLifetimeWithNone, tokenTtlCutsLease,
} from './timing-rules-lease.js';
import {
  gracePeriodTooShort, noGracefulDrain, noPreStop, rolloutsOverlap, singleReplica, unavailableWithoutSurge,
} from './timing-rules-rollout.js';

/**
 * One timing risk of a scenario, found from its settings alone (no cluster): what will go wrong,
 * where in the file, and the change that avoids it.
 */
export interface TimingRisk {
  /** Stable rule id, e.g. `expiry-before-refresh`. */
  id: TimingRiskId;
  /** `danger`: requests will fail or credentials will expire; `warning`: a likely or partial problem. */
  severity: 'warning' | 'danger';
  message: string;
  /** The change that avoids it, naming the key(s) to set. */
  fix: string;
  /** The scenario key path it is about, e.g. `delivery.refreshInterval`. */
  path: string;
}

/** Every rule id, in report order. */
export const TIMING_RISK_IDS = [
  'expiry-before-refresh', 'max-ttl-cuts-lease', 'token-ttl-cuts-lease', 'pool-lifetime-with-none', 'lease-pile-up',
  'single-replica', 'unavailable-without-surge', 'no-prestop', 'grace-period-too-short', 'no-graceful-drain', 'rollouts-overlap',
] as const;
export type TimingRiskId = (typeof TIMING_RISK_IDS)[number];

/** What the analysis knows besides the scenario. */
export interface TimingContext {
  /**
   * TTL of the login token that issues the credentials (kubernetes target: the ESO generator's
   * Kubernetes-auth token, `vault.tokenTtl` of the lab config). Leases die with it.
   */
  authTokenTtlMs?: number;
}

/** What every rule sees: the derived numbers, computed once. */
export interface RuleEnv {
  rollout: RolloutEstimate;
  lifetime: CredentialLifetime;
}

/** The rules that hold for every reload strategy. */
const LEASE_RULES = [expiryBeforeRefresh, maxTtlCutsLease, tokenTtlCutsLease, poolLifetimeWithNone, leasePileUp];
/** The rules about rollouts, which only `reload: restart` causes. */
const ROLLOUT_RULES = [singleReplica, unavailableWithoutSurge, noPreStop, gracePeriodTooShort, noGracefulDrain, rolloutsOverlap];

/**
 * The timing risks of a scenario: credentials expiring before they are replaced, leases piling
 * up, and rollouts that drop requests or overlap. Pure; runs without any cluster. A safe scenario
 * (scenarios/local-quickstart.yaml) has none. Dangers come first, then warnings, each in rule order.
 */
export function timingRisks(s: Scenario, ctx: TimingContext = {}): TimingRisk[] {
  const env: RuleEnv = { rollout: estimateRollout(s), lifetime: credentialLifetime(s, ctx.authTokenTtlMs) };
  const rules = s.delivery.reload === 'restart' ? [...LEASE_RULES, ...ROLLOUT_RULES] : LEASE_RULES;
  const risks = rules.flatMap((rule) => rule(s, env));
  const rank = (r: TimingRisk) => (r.severity === 'danger' ? 0 : 1) * 100 + TIMING_RISK_IDS.indexOf(r.id);
  return risks.sort((a, b) => rank(a) - rank(b));
}

export { estimateRollout, credentialLifetime } from './timing-estimate.js';
export type { RolloutEstimate, CredentialLifetime } from './timing-estimate.js';
