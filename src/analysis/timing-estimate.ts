import type { Scenario } from '../scenario/model.js';

/**
 * The numbers the timing rules (timing-risks.ts) reason with: an estimate of how long one rollout
 * takes and how long one credential lives. Pure arithmetic on the scenario; no cluster needed.
 */

/**
 * Time from starting a replica to its first successful readiness probe, not counting the probe
 * period. Local: the demo app (a Node process opening a pool and running `SELECT 1`) is ready in
 * about 0.2–0.4 s on a 2-core machine (measured quickstart rollouts: 3 replicas in ~1.1 s); 1 s
 * leaves headroom for a user's own command. Kubernetes: scheduling, container start from a cached
 * image and the kubelet's first probe take a few seconds; 5 s is a conservative round figure.
 */
export const STARTUP_ESTIMATE_MS: Record<Scenario['target'], number> = { local: 1_000, kubernetes: 5_000 };

/**
 * Fraction of a lease after which a well-behaved consumer has new credentials in place. Vault
 * agent renews renewable secrets after 2/3 of the lease ("Renewals and Updating Secrets",
 * hashicorp/vault website/content/docs/agent-and-proxy/agent/template.mdx); VSO's default
 * `renewalPercent` is 67. The remaining third absorbs a slow or failed refresh.
 */
export const COMFORTABLE_TTL_FRACTION = 2 / 3;

/**
 * Endpoint propagation assumed on a real cluster when the scenario says less: endpoint removal
 * runs concurrently with SIGTERM (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination,
 * https://github.com/kubernetes/kubernetes/issues/67592) and reaches kube-proxy and ingress
 * controllers seconds later (Skipper polls endpoints every 3000 ms by default:
 * https://opensource.zalando.com/skipper/kubernetes/ingress-backends).
 */
export const KUBERNETES_ENDPOINT_PROPAGATION_MS = 3_000;

/** Outstanding leases per workload above which lease pile-up is reported. */
export const LEASE_PILE_UP_LIMIT = 10;

/** Vault's system max lease TTL (768h), which a TTL of 0 falls back to. */
export const VAULT_SYSTEM_MAX_TTL_MS = 768 * 3_600_000;

/** How long one rollout is expected to take, and the parts of the estimate. */
export interface RolloutEstimate {
  /** Total estimate; 0 when rotations do not roll the replicas (reload signal or none). */
  ms: number;
  /** Rolling-update steps: ceil(replicas / replicas replaced per step). */
  waves: number;
  /** Per step: startup constant + one readiness period. */
  startupMs: number;
  /** The last old replica's stop: preStop + drain, capped by terminationGracePeriod. */
  stopMs: number;
}

/**
 * Estimates one rollout of the scenario's workload:
 *
 *   waves   = ceil(replicas / max(1, maxSurge + min(maxUnavailable, replicas)))
 *             (both 0 → 1 per step, as Kubernetes' ResolveFenceposts does)
 *   startup = (workload.expectedStartup, else STARTUP_ESTIMATE_MS[target]) + readiness.period
 *   stop    = min(terminationGracePeriod, preStop + drain), drain = querySleep when gracefulDrain else 0
 *   rollout = waves × startup + stop
 *
 * Old replicas stop in parallel with the next step (a terminating replica counts towards neither
 * the total nor the available replicas), so only the last stop is on the critical path.
 */
export function estimateRollout(s: Scenario): RolloutEstimate {
  if (s.delivery.reload !== 'restart') return { ms: 0, waves: 0, startupMs: 0, stopMs: 0 };
  const w = s.workload;
  const unavailable = Math.min(w.maxUnavailable, w.replicas);
  const perWave = Math.max(1, w.maxSurge + unavailable);
  const waves = Math.ceil(w.replicas / perWave);
  const startupMs = (w.expectedStartupMs ?? STARTUP_ESTIMATE_MS[s.target]) + w.readiness.periodMs;
  const drainMs = w.gracefulDrain ? w.querySleepMs : 0;
  const stopMs = Math.min(w.terminationGracePeriodMs, w.preStopMs + drainMs);
  return { ms: waves * startupMs + stopMs, waves, startupMs, stopMs };
}

/** What bounds a credential's life. */
export type LifetimeBound = 'defaultTtl' | 'maxTtl' | 'authTokenTtl';

/** How long one issued credential lives, and which setting decides it. */
export interface CredentialLifetime {
  ms: number;
  bound: LifetimeBound;
}

/**
 * lifetime = min(defaultTtl, maxTtl, authTokenTtl when given), a TTL of 0 meaning Vault's system
 * max (768h). Nobody renews the lease (ESO never does; the local refresher mirrors ESO), so it ends
 * at its TTL, capped by maxTtl; and a lease is revoked with the token that created it (Vault lease
 * concept doc), so the ESO login token's TTL caps it too (stack-facts.md F).
 */
export function credentialLifetime(s: Scenario, authTokenTtlMs?: number): CredentialLifetime {
  const orMax = (ms: number) => (ms > 0 ? ms : VAULT_SYSTEM_MAX_TTL_MS);
  let out: CredentialLifetime = { ms: orMax(s.database.role.defaultTtlMs), bound: 'defaultTtl' };
  const max = orMax(s.database.role.maxTtlMs);
  if (max < out.ms) out = { ms: max, bound: 'maxTtl' };
  if (authTokenTtlMs !== undefined && authTokenTtlMs > 0 && authTokenTtlMs < out.ms) out = { ms: authTokenTtlMs, bound: 'authTokenTtl' };
  return out;
}

/** The scenario key (or lab setting) behind each bound, for messages. */
export function boundName(bound: LifetimeBound): string {
  return bound === 'authTokenTtl' ? "the login token's TTL (vault.tokenTtl in vaultctl.yaml)" : `database.role.${bound}`;
}
