import { agentTemplate } from './agent-template.js';
import { csi } from './csi.js';
import { direct } from './direct.js';
import { initRenewer } from './init-renewer.js';
import { secretSyncRestart } from './secret-sync-restart.js';
import { staticRole } from './static-role.js';
import type { StrategyFacts, StrategyModule, StrategyName } from './strategy.js';
import { vaultEnv } from './vault-env.js';
import { vso } from './vso.js';

/*
 * The one table of delivery strategies: name → facts, default parameters and timing functions.
 * Its key order is the stable order of `--strategy all` and of comparison tables: today's
 * behaviour first, then the operators, the sidecars, the per-pod ways, and the app itself.
 */

/** Every strategy, in the stable order. */
export const STRATEGIES = {
  'secret-sync-restart': secretSyncRestart,
  vso,
  'agent-template': agentTemplate,
  csi,
  'vault-env': vaultEnv,
  'init-renewer': initRenewer,
  'static-role': staticRole,
  direct,
} as const satisfies { readonly [N in StrategyName]: StrategyModule<object> };

/** The table's type: each name with its own parameter type. */
export type StrategyTable = typeof STRATEGIES;

/** The parameter object of one strategy. */
export type StrategyParams<N extends StrategyName> = StrategyTable[N]['defaults'];

/** Names in the stable order (what `--strategy all` runs). */
export function strategyNames(): StrategyName[] {
  return Object.keys(STRATEGIES) as StrategyName[];
}

/** Whether a string names a strategy (for parsing `--strategy a,b,c`). */
export function isStrategyName(s: string): s is StrategyName {
  return Object.prototype.hasOwnProperty.call(STRATEGIES, s);
}

/** One strategy's entry. */
export function strategy<N extends StrategyName>(name: N): StrategyTable[N] {
  return STRATEGIES[name];
}

/**
 * One strategy's entry with its parameter type erased, for code that loops over every strategy
 * (doctor, `--strategy all`). Pass it only its own `defaults`, or a spread of them with overrides.
 */
export function anyStrategy(name: StrategyName): StrategyModule<object> {
  return STRATEGIES[name];
}

/** Every strategy's facts, in the stable order. */
export function allFacts(): StrategyFacts[] {
  return strategyNames().map((n) => STRATEGIES[n].facts);
}

export type * from './strategy.js';
