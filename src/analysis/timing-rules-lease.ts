import { formatDuration as d } from '../scenario/duration.js';
import type { Scenario } from '../scenario/model.js';
import {
  boundName, COMFORTABLE_TTL_FRACTION, credentialLifetime, LEASE_PILE_UP_LIMIT,
} from './timing-estimate.js';
import type { RuleEnv, TimingRisk } from './timing-types.js';

/**
 * Rules about how long credentials live versus how often they are replaced. Each comes from a
 * reported failure (anchors-and-pain-points.md §11); the links are on the rules.
 */

/**
 * expiry-before-refresh — credentials must be replaced, and every replica rolled onto the new
 * ones, comfortably before they expire:
 *
 *   horizon = refreshInterval + rollout estimate
 *   danger  when horizon ≥ lifetime            (replicas hold expired credentials until the next refresh)
 *   warning when horizon > 2/3 × lifetime      (no slack for one slow or failed refresh)
 *   danger  when refreshInterval = 0           (issued once, never replaced)
 *
 * lifetime = min(defaultTtl, maxTtl, auth token TTL) (credentialLifetime). Reported failures:
 * https://github.com/external-secrets/external-secrets/issues/2198 (ESO refresh slower than the
 * login token's TTL), https://github.com/hashicorp/hello-vault-go/pull/27 (lease revoked with its token).
 */
export function expiryBeforeRefresh(s: Scenario, env: RuleEnv): TimingRisk[] {
  const { lifetime, rollout } = env;
  const life = `${d(lifetime.ms)} (${boundName(lifetime.bound)})`;
  const comfortable = lifetime.ms * COMFORTABLE_TTL_FRACTION;
  const path = 'delivery.refreshInterval';
  const refresh = s.delivery.refreshIntervalMs;
  const budget = comfortable - rollout.ms;
  const fixRefresh = budget >= 1000
    ? `set delivery.refreshInterval to ${d(floorSecond(budget))} or less (2/3 of ${d(lifetime.ms)}${rollout.ms > 0 ? ` minus the ~${d(rollout.ms)} rollout` : ''})`
    : `raise ${boundName(lifetime.bound)} to at least ${d(ceilSecond((Math.max(refresh, 1000) + rollout.ms) / COMFORTABLE_TTL_FRACTION))}`;
  if (refresh === 0) {
    return [{
      id: 'expiry-before-refresh', severity: 'danger', path,
      message: `refreshInterval is 0: credentials are issued once and expire after ${life}; nothing replaces them (rotations.at only re-issues during the test)`,
      fix: budget >= 1000 ? fixRefresh : `set delivery.refreshInterval and ${fixRefresh}`,
    }];
  }
  const horizon = refresh + rollout.ms;
  if (horizon <= comfortable) return [];
  const sum = `refreshInterval ${d(refresh)} + rollout ~${d(rollout.ms)} = ${d(horizon)}`;
  const danger = horizon >= lifetime.ms;
  return [{
    id: 'expiry-before-refresh', severity: danger ? 'danger' : 'warning', path,
    message: danger
      ? `${sum} reaches the credentials' lifetime ${life}: replicas hold expired credentials until the next refresh and new logins fail (28P01)`
      : `${sum} exceeds 2/3 of the credentials' lifetime ${life}: one slow or failed refresh lets them expire`,
    fix: budget >= 1000 ? `${fixRefresh}, or raise ${boundName(lifetime.bound)}` : fixRefresh,
  }];
}

/**
 * max-ttl-cuts-lease — maxTtl < defaultTtl: Vault caps every lease at maxTtl, so credentials live
 * maxTtl, not defaultTtl, and a refresh cadence planned against defaultTtl is too slow. (maxTtl <
 * refreshInterval + rollout alone needs no rule of its own: then defaultTtl ≤ maxTtl is short too,
 * and expiry-before-refresh reports it.) A defaultTtl of 0 means "up to maxTtl" and is not flagged.
 */
export function maxTtlCutsLease(s: Scenario, env: RuleEnv): TimingRisk[] {
  const { defaultTtlMs, maxTtlMs } = s.database.role;
  if (maxTtlMs === 0 || defaultTtlMs === 0 || maxTtlMs >= defaultTtlMs) return [];
  const cadence = s.delivery.refreshIntervalMs + env.rollout.ms;
  const tooSlow = s.delivery.refreshIntervalMs > 0 && cadence >= maxTtlMs
    ? `, shorter than refreshInterval + rollout (${d(cadence)})` : '';
  return [{
    id: 'max-ttl-cuts-lease', severity: 'warning', path: 'database.role.maxTtl',
    message: `maxTtl ${d(maxTtlMs)} is below defaultTtl ${d(defaultTtlMs)}: Vault caps every lease at ${d(maxTtlMs)}${tooSlow}`,
    fix: `set database.role.maxTtl to at least defaultTtl (${d(defaultTtlMs)}), or lower defaultTtl to what you mean`,
  }];
}

/**
 * token-ttl-cuts-lease — the login token that issued a lease ends before the lease's own TTL:
 * Vault revokes a token's leases with it, so credentials die at the token TTL (kubernetes target,
 * token TTL from the lab config). https://github.com/external-secrets/external-secrets/issues/2198,
 * https://github.com/hashicorp/vault-secrets-operator/issues/858.
 */
export function tokenTtlCutsLease(s: Scenario, env: RuleEnv): TimingRisk[] {
  if (env.lifetime.bound !== 'authTokenTtl') return [];
  return [{
    id: 'token-ttl-cuts-lease', severity: 'warning', path: 'database.role.defaultTtl',
    message: `the login token's TTL ${d(env.lifetime.ms)} is shorter than the lease TTL: Vault revokes the credentials with the token that created them`,
    fix: `set vault.tokenTtl in vaultctl.yaml (the Kubernetes auth role's token_ttl) to at least the lease TTL (${d(credentialLifetime(s).ms)})`,
  }];
}

/**
 * pool-lifetime-with-none — reload none: replicas keep the credentials they started with. Open
 * sessions survive revocation (https://github.com/hashicorp/vault/pull/8668), but each connection
 * the pool opens after the lifetime (maxLifetime / idleTimeout recycling, pool growth, a broken
 * connection) fails to log in. A warning, as a run shorter than the lifetime will not show it.
 */
export function poolLifetimeWithNone(s: Scenario, env: RuleEnv): TimingRisk[] {
  if (s.delivery.reload !== 'none') return [];
  const { maxLifetimeMs, idleTimeoutMs } = s.workload.pool;
  const recycle = [maxLifetimeMs > 0 ? `maxLifetime ${d(maxLifetimeMs)}` : '', idleTimeoutMs > 0 ? `idleTimeout ${d(idleTimeoutMs)}` : '']
    .filter(Boolean).join(', ');
  const opens = recycle ? `every connection the pool opens to replace a recycled one (${recycle})` : 'every new connection the pool opens';
  return [{
    id: 'pool-lifetime-with-none', severity: 'warning', path: 'delivery.reload',
    message: `reload none: replicas keep the credentials they started with; once those end (${d(env.lifetime.ms)}, ${boundName(env.lifetime.bound)}), ${opens} fails to log in (28P01)`,
    fix: 'set delivery.reload to restart (roll the replicas, as Wave does) or signal (re-read the credentials, as the Vault agent does)',
  }];
}

/**
 * lease-pile-up (kubernetes target) — ESO's VaultDynamicSecret generator issues a new lease on
 * every refresh and never revokes the old one (Cleanup is a no-op; stack-facts.md F), so
 *
 *   outstanding leases ≈ ceil(lifetime / refreshInterval)
 *
 * each a live Postgres role. Reported when above LEASE_PILE_UP_LIMIT. Related:
 * https://github.com/hashicorp/vault-secrets-operator/issues/935 (orphaned leases),
 * https://github.com/kubernetes-sigs/secrets-store-csi-driver/issues/1453 (new creds every poll).
 */
export function leasePileUp(s: Scenario, env: RuleEnv): TimingRisk[] {
  const refresh = s.delivery.refreshIntervalMs;
  if (s.target !== 'kubernetes' || refresh === 0) return [];
  const outstanding = Math.ceil(env.lifetime.ms / refresh);
  if (outstanding <= LEASE_PILE_UP_LIMIT) return [];
  const ttl = ceilSecond(3 * (refresh + env.rollout.ms));
  return [{
    id: 'lease-pile-up', severity: 'warning', path: 'delivery.refreshInterval',
    message: `ESO issues a new lease every ${d(refresh)} and never revokes the old ones: about ${outstanding} leases (Postgres roles) are live at once (${d(env.lifetime.ms)} / ${d(refresh)})`,
    fix: `lower database.role.defaultTtl to about ${d(ttl)} (3 × (refreshInterval + rollout)) so at most ~${LEASE_PILE_UP_LIMIT} are live, or raise refreshInterval`,
  }];
}

function floorSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function ceilSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}
