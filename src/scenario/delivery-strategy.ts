import { DURATION_PATTERN, parseDuration } from './duration.js';
import type { PathIssue } from './path-issue.js';

/*
 * `delivery.strategy`: which of the issue-11 delivery strategies a run emulates, and the rules
 * that tie it to today's knobs (`reload`, `via`, `refreshInterval`). The strategies' facts and
 * timing live in src/strategies (which imports this layer, so the names are listed here and a
 * unit test keeps both lists equal); the facts come from ../shared/reference/delivery-strategies.md.
 */

/** Every strategy name, in src/strategies/index.ts's stable order. */
export const DELIVERY_STRATEGY_NAMES = [
  'secret-sync-restart', 'vso', 'agent-template', 'csi', 'vault-env', 'init-renewer', 'static-role', 'direct',
] as const;

export type DeliveryStrategyName = (typeof DELIVERY_STRATEGY_NAMES)[number];

/**
 * The strategies each target runs; a scenario naming another is refused (exit 104) rather than run
 * with the wrong model. The local list is the table of src/targets/local/strategies/index.ts.
 */
export const IMPLEMENTED_STRATEGIES: Readonly<Record<'local' | 'kubernetes', readonly DeliveryStrategyName[]>> = {
  local: ['secret-sync-restart', 'agent-template', 'init-renewer', 'vso', 'static-role', 'csi', 'vault-env', 'direct'],
  // The strategies `vaultctl bootstrap --strategies` installs (src/stack/strategies/names.ts LAB_STRATEGY_NAMES;
  // a unit test keeps both equal). README "Strategies on Kubernetes" says why the others are not in the lab.
  kubernetes: ['secret-sync-restart', 'vso', 'agent-template', 'csi'],
};

/** How agent-template's app learns of a re-rendered file (facts file §2 "Signalling the app"). */
export const AGENT_PICKUPS = ['signal', 'reread', 'restart'] as const;

/**
 * The strategy a scenario runs: `delivery.strategy`, or today's knobs when it is absent —
 * `reload: signal` (with `via: file`) is agent-template with the signal pickup, `restart` and
 * `none` are secret-sync-restart (with a rolling restart, or with nobody reloading).
 */
export function deliveryStrategyOf(d: { strategy?: DeliveryStrategyName; reload: 'restart' | 'signal' | 'none' }): DeliveryStrategyName {
  return d.strategy ?? (d.reload === 'signal' ? 'agent-template' : 'secret-sync-restart');
}

/**
 * agent-template's pickup: `delivery.pickup`, else upstream's `reread` (no agent-inject-command)
 * when the strategy is written, or `signal` when it comes from `reload: signal`.
 */
export function agentPickupOf(d: { strategy?: DeliveryStrategyName; pickup?: (typeof AGENT_PICKUPS)[number] }): (typeof AGENT_PICKUPS)[number] {
  return d.pickup ?? (d.strategy === 'agent-template' ? 'reread' : 'signal');
}

/** What carries a static role's password to the app (src/strategies/static-role.ts StaticRoleParams.carrier). */
export const STATIC_ROLE_CARRIERS = ['vso', 'agent-template', 'secret-sync-restart'] as const;

/** Which strategy each strategy-only key belongs to. */
const OWNER: Readonly<Record<string, DeliveryStrategyName>> = {
  pickup: 'agent-template', renewEvery: 'init-renewer', renewIncrement: 'init-renewer',
  renewalPercent: 'vso', revoke: 'vso',
  rotationPeriod: 'static-role', carrier: 'static-role',
  enableSecretRotation: 'csi', rotationPollInterval: 'csi', agentCache: 'csi',
  killAfter: 'vault-env', startSpread: 'vault-env',
  revokeOldLease: 'direct', revokeAfter: 'direct',
};

/**
 * Cross-key rules of `delivery.strategy` (the raw `delivery` map; a wrong type is left to the schema).
 * `issuer` is the raw `credentials.issuer` (absent: direct).
 */
export function deliveryStrategyIssues(delivery: Record<string, unknown>, target: unknown, issuer?: unknown): PathIssue[] {
  const strategy = delivery.strategy;
  if (typeof strategy !== 'string' || !(DELIVERY_STRATEGY_NAMES as readonly string[]).includes(strategy)) {
    return Object.keys(OWNER).filter((k) => k in delivery)
      .map((k) => ({ path: ['delivery', k], message: `${k} needs delivery.strategy: ${OWNER[k]}` }));
  }
  const name = strategy as DeliveryStrategyName;
  const where = target === 'kubernetes' ? 'kubernetes' : 'local';
  if (!IMPLEMENTED_STRATEGIES[where].includes(name)) {
    return [{ path: ['delivery', 'strategy'], message: `strategy ${name} is not implemented on the ${where} target yet` }];
  }
  const issues: PathIssue[] = Object.keys(OWNER).filter((k) => k in delivery && OWNER[k] !== name)
    .map((k) => ({ path: ['delivery', k], message: `${k} belongs to strategy ${OWNER[k]}, not ${name}` }));
  if (name === 'secret-sync-restart') {
    if (delivery.reload === 'signal') {
      issues.push({ path: ['delivery', 'reload'], message: 'reload: signal is strategy agent-template (with pickup: signal)' });
    }
    return issues;
  }
  if (name === 'static-role') issues.push(...staticRoleIssues(delivery, issuer));
  // The other strategies bring their own timing and pickup: ESO's knobs do not apply.
  if ('reload' in delivery) issues.push({ path: ['delivery', 'reload'], message: `reload applies to secret-sync-restart only${name === 'agent-template' ? '; use delivery.pickup' : ''}` });
  const refresh = delivery.refreshInterval;
  // static-role carried by ESO: refreshInterval is that ESO's.
  const esoCarrier = name === 'static-role' && delivery.carrier === 'secret-sync-restart';
  if (!esoCarrier && refresh !== undefined && refresh !== 0 && refresh !== '0') {
    issues.push({ path: ['delivery', 'refreshInterval'], message: `refreshInterval is ESO's (secret-sync-restart); ${name} fetches new credentials on its own schedule` });
  }
  // csi on the local target: each replica's own mounted file (the env-from-synced-Secret pickup is not modelled);
  // vault-env: env at exec, facts file §5.
  if (name === 'csi' && delivery.via !== 'file') {
    issues.push({ path: ['delivery', 'via' in delivery ? 'via' : 'strategy'], message: 'csi mounts a file per replica: it needs via: file' });
  }
  if (name === 'vault-env' && delivery.via === 'file') {
    issues.push({ path: ['delivery', 'via'], message: 'vault-env passes credentials as env at exec: it needs via: env' });
  }
  if (name === 'agent-template' && delivery.via !== 'file') {
    issues.push({ path: ['delivery', 'via' in delivery ? 'via' : 'strategy'], message: 'agent-template renders a file: it needs via: file' });
  }
  return issues;
}

/**
 * static-role: the agent carrier renders a file (via: file); the vault issuer has no static-role
 * support in the local target yet (the direct issuer runs Vault's rotation SQL itself).
 */
function staticRoleIssues(delivery: Record<string, unknown>, issuer: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  if (delivery.carrier === 'agent-template' && delivery.via !== 'file') {
    issues.push({ path: ['delivery', 'via' in delivery ? 'via' : 'carrier'], message: 'carrier agent-template renders a file: it needs via: file' });
  }
  const period = delivery.rotationPeriod;
  // Vault refuses a rotation_period under 5s (stack-facts §C "Static roles").
  if (typeof period === 'string' && DURATION_PATTERN.test(period) && (period === '0' || parseDuration(period) < 5000)) {
    issues.push({ path: ['delivery', 'rotationPeriod'], message: 'rotationPeriod must be at least 5s (Vault\'s minimum rotation_period)' });
  }
  if (issuer === 'vault') {
    issues.push({ path: ['delivery', 'strategy'], message: 'strategy static-role runs with credentials.issuer: direct only (Vault static roles are not wired in the local target yet)' });
  }
  return issues;
}
