import type { CredentialLifetime, RolloutEstimate } from './timing-estimate.js';

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
  // Each delivery strategy's own (timing-rules-strategy.ts).
  'vso-overlap-short', 'renewer-max-ttl', 'signal-to-shell', 'static-pickup-gap', 'vault-env-restart-together', 'csi-credentials-die',
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
