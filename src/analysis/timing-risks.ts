import type { Scenario } from '../scenario/model.js';
import { credentialLifetime, estimateRollout } from './timing-estimate.js';
import { TIMING_RISK_IDS, type RuleEnv, type TimingContext, type TimingRisk } from './timing-types.js';
import {
  expiryBeforeRefresh, leasePileUp, maxTtlCutsLease, poolLifetimeWithNone, tokenTtlCutsLease,
} from './timing-rules-lease.js';
import {
  gracePeriodTooShort, noGracefulDrain, noPreStop, rolloutsOverlap, singleReplica, unavailableWithoutSurge,
} from './timing-rules-rollout.js';
import { STRATEGY_RULES } from './timing-rules-strategy.js';

export type { RuleEnv, TimingContext, TimingRisk, TimingRiskId } from './timing-types.js';
export { TIMING_RISK_IDS } from './timing-types.js';

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
  // The lease rules reason about ESO's refreshInterval. A strategy with its own timing (agent-template's
  // LifetimeWatcher, init-renewer's renewer, ...) gets its own rules instead.
  const ownTiming = s.delivery.strategy !== undefined && s.delivery.strategy !== 'secret-sync-restart';
  const lease = ownTiming ? STRATEGY_RULES : LEASE_RULES;
  const rules = s.delivery.reload === 'restart' ? [...lease, ...ROLLOUT_RULES] : lease;
  const risks = rules.flatMap((rule) => rule(s, env));
  const rank = (r: TimingRisk) => (r.severity === 'danger' ? 0 : 1) * 100 + TIMING_RISK_IDS.indexOf(r.id);
  return risks.sort((a, b) => rank(a) - rank(b));
}

export { estimateRollout, credentialLifetime } from './timing-estimate.js';
export type { RolloutEstimate, CredentialLifetime } from './timing-estimate.js';
