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
  local: ['secret-sync-restart', 'agent-template', 'init-renewer'],
  // The lab is ESO + Wave: a synced Secret and a rolling restart.
  kubernetes: ['secret-sync-restart'],
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

/** Which strategy each strategy-only key belongs to. */
const OWNER: Readonly<Record<string, DeliveryStrategyName>> = {
  pickup: 'agent-template', renewEvery: 'init-renewer', renewIncrement: 'init-renewer',
};

/** Cross-key rules of `delivery.strategy` (the raw `delivery` map; a wrong type is left to the schema). */
export function deliveryStrategyIssues(delivery: Record<string, unknown>, target: unknown): PathIssue[] {
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
  // The other strategies bring their own timing and pickup: ESO's knobs do not apply.
  if ('reload' in delivery) issues.push({ path: ['delivery', 'reload'], message: `reload applies to secret-sync-restart only${name === 'agent-template' ? '; use delivery.pickup' : ''}` });
  const refresh = delivery.refreshInterval;
  if (refresh !== undefined && refresh !== 0 && refresh !== '0') {
    issues.push({ path: ['delivery', 'refreshInterval'], message: `refreshInterval is ESO's (secret-sync-restart); ${name} fetches new credentials on its own schedule` });
  }
  if (name === 'agent-template' && delivery.via !== 'file') {
    issues.push({ path: ['delivery', 'via' in delivery ? 'via' : 'strategy'], message: 'agent-template renders a file: it needs via: file' });
  }
  return issues;
}
