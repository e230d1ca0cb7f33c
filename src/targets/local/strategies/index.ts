import type { DeliveryStrategyName } from '../../../scenario/delivery-strategy.js';
import { deliveryStrategyOf } from '../../../scenario/delivery-strategy.js';
import { agentTemplateMachine } from './agent-template.js';
import { initRenewerMachine } from './init-renewer.js';
import type { MachineContext, MachineFactory, StrategyMachine } from './machine.js';
import { secretSyncRestartMachine } from './secret-sync-restart.js';

export type { MachineContext, StrategyMachine };

/**
 * The strategies the local target runs, one machine each (issue 11; facts:
 * ../shared/reference/delivery-strategies.md). The scenario validator refuses the others
 * (IMPLEMENTED_STRATEGIES.local in src/scenario/delivery-strategy.ts lists these keys).
 */
export const LOCAL_STRATEGIES: Readonly<Partial<Record<DeliveryStrategyName, MachineFactory>>> = {
  'secret-sync-restart': secretSyncRestartMachine,
  'agent-template': agentTemplateMachine,
  'init-renewer': initRenewerMachine,
};

/** The machine of the scenario's strategy (`delivery.strategy`, or the one today's `reload` stands for). */
export function machineFor(ctx: MachineContext): StrategyMachine {
  const name = deliveryStrategyOf(ctx.scenario.delivery);
  const factory = LOCAL_STRATEGIES[name];
  if (!factory) throw new Error(`strategy ${name} is not implemented on the local target (the scenario validator should have refused it)`);
  return factory(ctx);
}
