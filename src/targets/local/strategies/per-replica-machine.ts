import type { ReplicaLeases } from '../replica-leases.js';
import type { StrategyMachine } from './machine.js';

/**
 * The machine of a per-replica strategy (csi, vault-env). Their steps hang off each replica's own
 * lease (ReplicaTimers, set as leases are issued), so nothing is planned up front: plan() arms
 * those timers for the load's end. `rotations.at` runs `forced` on every replica that got
 * credentials (a poll of every mount; a restart of every container).
 */
export function perReplicaMachine(replicas: ReplicaLeases, forced: (id: string) => Promise<unknown>): StrategyMachine {
  const ids = new Set<string>();
  replicas.onIssued((id) => ids.add(id));
  return {
    plan: (measureFromMs, untilMs) => {
      replicas.originMs = measureFromMs;
      replicas.timers.arm(untilMs);
      return [];
    },
    rotateAt: () => Promise.all([...ids].map(forced)),
    finish: async () => replicas.timers.stop(),
  };
}
