import type { CredentialIssuer } from '../../../ports/credentials.js';
import type { DeliveryStrategyName } from '../../../scenario/delivery-strategy.js';
import type { Scenario } from '../../../scenario/model.js';
import type { LocalContext } from '../local-stack.js';
import { ReplicaLeases } from '../replica-leases.js';
import { deliveryStrategyOf } from '../../../scenario/delivery-strategy.js';
import { agentTemplateMachine } from './agent-template.js';
import { csiMachine, csiReplicaSteps } from './csi.js';
import { directMachine } from './direct.js';
import { initRenewerMachine } from './init-renewer.js';
import type { MachineContext, MachineFactory, StrategyMachine } from './machine.js';
import { secretSyncRestartMachine } from './secret-sync-restart.js';
import { staticRoleMachine } from './static-role.js';
import { vaultEnvMachine, vaultEnvReplicaSteps } from './vault-env.js';
import { vsoMachine } from './vso.js';

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
  vso: vsoMachine,
  'static-role': staticRoleMachine,
  csi: csiMachine,
  'vault-env': vaultEnvMachine,
  direct: directMachine,
};

/**
 * Strategies whose replicas each get their own credentials at every start instead of sharing their
 * revision's (facts file §3 "Per pod": one DB user per CSI mount; §5: vault-env fetches at exec),
 * with the steps each replica's lease brings from its issue on.
 */
const PER_REPLICA: Readonly<Partial<Record<DeliveryStrategyName, (s: Scenario, leases: ReplicaLeases) => void>>> = {
  csi: csiReplicaSteps,
  'vault-env': vaultEnvReplicaSteps,
};

/**
 * The per-replica credentials of the scenario's strategy (the supervisor's `perReplica`, the
 * machine's `replicas`), made before the replicas start; undefined for strategies that share a set per revision.
 */
export function perReplicaLeases(ctx: LocalContext, issuer: CredentialIssuer): ReplicaLeases | undefined {
  const steps = PER_REPLICA[deliveryStrategyOf(ctx.scenario.delivery)];
  if (!steps) return undefined;
  const leases = new ReplicaLeases(ctx, issuer);
  steps(ctx.scenario, leases);
  return leases;
}

/** The machine of the scenario's strategy (`delivery.strategy`, or the one today's `reload` stands for). */
export function machineFor(ctx: MachineContext): StrategyMachine {
  const name = deliveryStrategyOf(ctx.scenario.delivery);
  const factory = LOCAL_STRATEGIES[name];
  if (!factory) throw new Error(`strategy ${name} is not implemented on the local target (the scenario validator should have refused it)`);
  return factory(ctx);
}
