import type { Credentials } from '../../../ports/credentials.js';
import type { Scenario } from '../../../scenario/model.js';
import { strategy } from '../../../strategies/index.js';
import { NO_JITTER } from '../../../strategies/strategy.js';
import type { ReplicaLeases } from '../replica-leases.js';
import { leaseClock, type MachineFactory } from './machine.js';
import { perReplicaMachine } from './per-replica-machine.js';
import type { ReplicaStep } from './replica-timers.js';

/** csi's parameters from the scenario (absent: upstream's defaults, src/strategies/csi.ts CSI_DEFAULTS). */
function csiParams(s: Scenario) {
  const m = strategy('csi');
  const d = s.delivery;
  return {
    ...m.defaults,
    rotationEnabled: d.enableSecretRotation ?? m.defaults.rotationEnabled,
    rotationPollIntervalMs: d.rotationPollIntervalMs ?? m.defaults.rotationPollIntervalMs,
    agentCache: d.agentCache ?? m.defaults.agentCache,
    pickup: 'file' as const,
  };
}

/**
 * csi (Secrets Store CSI driver v1.6.0 + Vault CSI provider, facts file §3 and §0.2), per replica:
 * each replica mounts its own credentials at its start — as many database users as replicas, since
 * the provider caches the token per pod. With `enableSecretRotation`, each mount is polled every
 * `rotationPollInterval` from its own mount time: without the agent cache every poll mints a new
 * lease and rewrites that replica's file in place (the demo app re-reads it on SIGHUP, standing in
 * for an app that watches its file); the old lease is neither renewed nor revoked (pile-up). With
 * the agent cache, the agent renews the lease and polls return it until its watcher gives up near
 * max TTL (UNVERIFIED, facts file §0.2, §10.2). Times: csi's schedule (src/strategies/csi.ts), no jitter.
 *
 * States per replica: `mounted` lease k → (poll that mints) `mounted` lease k+1; a new start
 * (restart, rollout) is a new mount with its own timetable.
 */
export function csiReplicaSteps(scenario: Scenario, replicas: ReplicaLeases): void {
  const m = strategy('csi');
  const params = csiParams(scenario);
  const current = new Map<string, Credentials>();
  const steps = (id: string, mountedAtMs: number, untilMs: number): ReplicaStep[] =>
    m.schedule(leaseClock(scenario, mountedAtMs), untilMs, params, NO_JITTER).flatMap((e): ReplicaStep[] => {
      // A poll past the cached lease mints new credentials (lease k > 0); polls that return the cached one change nothing.
      if (e.kind === 'issue' && e.lease > 0) return [{ atMs: e.atMs, run: () => replicas.poll(id, true) }];
      if (e.kind === 'renew' || e.kind === 'renew-truncated') {
        // The agent renews the replica's lease (increment 0: the role's default TTL, as its watcher asks).
        return [{ atMs: e.atMs, run: async () => { const c = current.get(id); if (c) await replicas.renew(c, 0); } }];
      }
      return [];
    });
  replicas.onIssued((id, creds, reason) => {
    current.set(id, creds);
    if (reason === 'start') replicas.timers.set(id, (untilMs) => steps(id, creds.issuedAt, untilMs));
  });
}

/** The csi machine: arms the replicas' steps for the load's end; `rotations.at` polls every mount now (a poll that mints). */
export const csiMachine: MachineFactory = ({ replicas }) => {
  if (!replicas) throw new Error('strategy csi needs per-replica credentials (perReplicaLeases)');
  return perReplicaMachine(replicas, (id) => replicas.poll(id, true));
};
