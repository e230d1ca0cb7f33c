import { UsageError } from '../../errors/errors.js';
import type { StackConfig } from '../stack-config.js';
import { LAB_STRATEGY_NAMES, type LabStrategy } from './lab-strategy.js';
import { agentTemplateStrategy } from './agent-template.js';
import { csiStrategy } from './csi.js';
import { vsoStrategy } from './vso.js';

export { LAB_STRATEGY_NAMES, type LabStrategy, type LabStrategyName } from './lab-strategy.js';

/** Every strategy but the base lab, by name: the table bootstrap installs from. */
export type LabStrategyTable = Partial<Record<LabStrategy['name'], LabStrategy>>;

/**
 * The strategies this build ships (src/stack/strategies/<name>.ts). `secret-sync-restart` is not
 * here: it is the base lab, built by the base pipeline.
 */
export const LAB_STRATEGIES: LabStrategyTable = {
  vso: vsoStrategy,
  'agent-template': agentTemplateStrategy,
  csi: csiStrategy,
};

/**
 * The config's strategies as modules, in install order, the base lab left out. A name this build
 * has no module for is a UsageError (exit 2) naming the ones it has.
 */
export function selectedStrategies(cfg: Pick<StackConfig, 'strategies'>, table: LabStrategyTable = LAB_STRATEGIES): LabStrategy[] {
  const out: LabStrategy[] = [];
  for (const name of cfg.strategies) {
    if (name === 'secret-sync-restart') continue;
    const s = table[name];
    if (!s) {
      const have = LAB_STRATEGY_NAMES.filter((n) => n === 'secret-sync-restart' || table[n as LabStrategy['name']]);
      throw new UsageError(`strategy ${name} is not available in this build of vaultctl`, `available: ${have.join(', ')}`);
    }
    out.push(s);
  }
  return out;
}
