import type { Credentials } from '../../../ports/credentials.js';
import { strategy } from '../../../strategies/index.js';
import { NO_JITTER } from '../../../strategies/strategy.js';
import type { VsoParams } from '../../../strategies/vso.js';
import { leaseClock, planSchedule, Serial, type MachineFactory } from './machine.js';

/**
 * vso (Vault Secrets Operator VaultDynamicSecret + rolloutRestartTargets, facts file §1 and §0.3):
 * VSO renews the lease at its horizon (67–77 % of the lease; here without jitter, 77 %, so runs
 * repeat), asking for the lease's current duration again. When Vault's answer comes back shorter
 * than asked (max TTL reached), VSO reads new credentials, updates the Secret and patches the
 * Deployment's `restartedAt`: one rolling restart per max TTL, not one per renewal. The times are
 * vso's schedule (src/strategies/vso.ts). Sources: [VSO] controllers/vaultdynamicsecret_controller.go
 * L292-409 (truncation → new creds), L729-750 (renew with the current duration), helpers/rollout_restart.go.
 *
 * The replaced lease is never revoked: it lives until its max TTL (the overlap). `revoke: true`
 * does not change that: VSO revokes only in handleDeletion, i.e. when the VaultDynamicSecret is
 * deleted ([VSO] vaultdynamicsecret_controller.go L802-857, its only caller of revokeLease), which in
 * the lab is the end of the run (`finish`): the live lease is then revoked by the strategy.
 *
 * States: `holding` lease k → (truncated renewal) `holding` lease k+1. A renewal for a lease that is
 * no longer held (a forced rotation replaced it, or its re-read failed) does nothing.
 */
export const vsoMachine: MachineFactory = ({ scenario, driver, initial }) => {
  const m = strategy('vso');
  const params: VsoParams = {
    renewalPercent: scenario.delivery.renewalPercent ?? m.defaults.renewalPercent,
    revoke: scenario.delivery.revoke ?? m.defaults.revoke,
  };
  const leases = new Map<number, Credentials>([[0, initial]]);
  let holding = 0;
  let held: Credentials = initial;
  const serial = new Serial();
  const clock = leaseClock(scenario, initial.issuedAt);
  // VSO asks for `secretLease.duration` again at each renewal (L729-750): the lease as first granted.
  const incrementMs = Math.min(clock.leaseMs, clock.maxTtlMs);

  const renew = (lease: number, truncatedNext: boolean) => serial.run(async () => {
    const creds = leases.get(lease);
    if (!creds || lease !== holding) return;
    const granted = await driver.renew(creds, incrementMs);
    // A truncated answer, or a renewal Vault refused, makes VSO sync anew (L292-409).
    if (!truncatedNext || (granted && !granted.capped)) return;
    const next = await driver.rotate('expiry', 'restart');
    if (!next) return;
    leases.set(lease + 1, next);
    holding = lease + 1;
    held = next;
  });

  return {
    plan: (_measureFromMs, untilMs) =>
      planSchedule(m.schedule(clock, untilMs, params, NO_JITTER), untilMs, (e) => {
        if (e.kind === 'renew') return { trigger: 'renew', run: () => renew(e.lease, false) };
        // The truncated renewal brings lease k+1 (its `issue` and `pickup` share this time).
        if (e.kind === 'renew-truncated') return { trigger: 'expiry', run: () => renew(e.lease, true) };
        return undefined;
      }),
    // A forced re-sync (a spec change: new generation, L162-186): new credentials and a rollout now.
    // The renewal timetable stays the first lease's chain (not re-anchored); the forced lease is not renewed.
    rotateAt: () => serial.run(async () => {
      const next = await driver.rotate('at', 'restart');
      if (next) {
        holding = -1;
        held = next;
      }
    }),
    finish: async () => {
      if (params.revoke) await serial.run(() => driver.revoke(held));
    },
  };
};
