import type { Scenario } from '../../../scenario/model.js';
import { strategy } from '../../../strategies/index.js';
import { NO_JITTER } from '../../../strategies/strategy.js';
import type { ReplicaLeases } from '../replica-leases.js';
import { leaseClock, type MachineFactory } from './machine.js';
import { perReplicaMachine } from './per-replica-machine.js';
import type { ReplicaStep } from './replica-timers.js';

/** vault-env's parameters from the scenario (absent: src/strategies/vault-env.ts VAULT_ENV_DEFAULTS). */
function vaultEnvParams(s: Scenario) {
  const m = strategy('vault-env');
  return { ...m.defaults, killAfterMs: s.delivery.killAfterMs ?? m.defaults.killAfterMs };
}

/**
 * vault-env (Bank-Vaults vault-env v1.23.0 in daemon mode, facts file §5 "Dynamic creds"), per
 * replica: each container fetches its own credentials at exec (env), and vault-env's
 * LifetimeWatcher renews that lease. When the watcher returns (remaining ≤ 4×grace, near max TTL),
 * vault-env SIGTERMs the app, SIGKILLs it `killAfter` later and exits; the container restarts in
 * place (no surge, no rollout) and the new vault-env fetches new credentials — a new lease, a new
 * database user. Replicas started together reach max TTL together and restart together ([BVE]
 * main.go L339-400); restart back-off timing is UNVERIFIED (facts file §10.3): restartDelay 0.
 * Times: vault-env's schedule (src/strategies/vault-env.ts), no jitter, from each lease's own issue.
 *
 * States per replica: `running` lease k → (watcher returns) `restarting` → `running` lease k+1.
 */
export function vaultEnvReplicaSteps(scenario: Scenario, replicas: ReplicaLeases): void {
  const m = strategy('vault-env');
  const params = vaultEnvParams(scenario);
  replicas.onIssued((id, creds) => {
    // This container's lease only: the next one is issued by the restarted container, at its real start.
    replicas.timers.set(id, (untilMs) => m.schedule(leaseClock(scenario, creds.issuedAt), untilMs, params, NO_JITTER)
      .filter((e) => e.lease === 0)
      .flatMap((e): ReplicaStep[] => {
        if (e.kind === 'renew' || e.kind === 'renew-truncated') return [{ atMs: e.atMs, run: () => replicas.renew(creds, 0) }];
        if (e.kind === 'terminate') return [{ atMs: e.atMs, run: () => replicas.restartInPlace(id, params.killAfterMs, params.restartDelayMs) }];
        return [];
      }));
  });
}

/** The vault-env machine: arms the replicas' steps for the load's end; `rotations.at` restarts every container in place now. */
export const vaultEnvMachine: MachineFactory = ({ scenario, replicas }) => {
  if (!replicas) throw new Error('strategy vault-env needs per-replica credentials (perReplicaLeases)');
  const params = vaultEnvParams(scenario);
  return perReplicaMachine(replicas, (id) => replicas.restartInPlace(id, params.killAfterMs, params.restartDelayMs));
};
