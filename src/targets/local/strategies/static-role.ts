import type { Credentials, CredentialIssuer } from '../../../ports/credentials.js';
import type { Scenario } from '../../../scenario/model.js';
import { strategy } from '../../../strategies/index.js';
import type { StaticRoleParams } from '../../../strategies/static-role.js';
import { NO_JITTER } from '../../../strategies/strategy.js';
import type { DriverPickup } from '../rotation-driver.js';
import { leaseClock, planSchedule, Serial, type MachineFactory } from './machine.js';

/** The static-role parameters of a scenario: its `delivery` keys over the strategy's defaults. */
export function staticRoleParams(s: Scenario): StaticRoleParams {
  const d = strategy('static-role').defaults;
  return {
    rotationPeriodMs: s.delivery.rotationPeriodMs ?? d.rotationPeriodMs,
    carrier: s.delivery.carrier ?? d.carrier,
    // ESO's refreshInterval when ESO carries the password; 0 (unset) means upstream's 1h.
    refreshIntervalMs: s.delivery.refreshIntervalMs > 0 ? s.delivery.refreshIntervalMs : d.refreshIntervalMs,
  };
}

/**
 * The credentials the replicas start with: the static role's user (created once) under static-role,
 * a new lease otherwise. Static credentials have no lease (facts file §8).
 */
export function firstCredentials(s: Scenario, issuer: CredentialIssuer): Promise<Credentials> {
  if (s.delivery.strategy !== 'static-role') return issuer.issue();
  if (!issuer.staticCredentials) throw new Error(`the ${issuer.name} issuer has no static roles (the scenario validator should have refused it)`);
  return issuer.staticCredentials();
}

/**
 * static-role (a database static role with rotation_period, facts file §8 and §0.1): one database
 * user for the whole run; every `rotation_period` its password is rotated in place. From that
 * instant new logins with the old password fail (28P01) while open sessions keep working, until the
 * carrier delivers the new one: `vso` by a rolling restart at +0.5 s, `agent-template` by a
 * re-rendered file and SIGHUP at +1 s, `secret-sync-restart` (ESO) at its first refresh at or after
 * the rotation, then a rolling restart. The times are static-role's schedule (src/strategies/
 * static-role.ts carrierPicksUpAt), without VSO's jitter so that runs repeat.
 *
 * States: `delivered` → (rotation) `stale` → (carrier pickup) `delivered`. A pickup with nothing
 * new (the carrier's re-read finds the same password) does nothing, as ESO's Secret does not change.
 */
export const staticRoleMachine: MachineFactory = ({ scenario, driver, initial }) => {
  const m = strategy('static-role');
  const params = staticRoleParams(scenario);
  const pickup: DriverPickup = params.carrier === 'agent-template' ? 'signal' : 'restart';
  let latest = initial;
  let delivered = initial;
  const serial = new Serial();
  const rotate = (trigger: 'rotation-period' | 'at') => serial.run(async () => {
    const creds = await driver.rotatePassword(trigger);
    if (creds) latest = creds;
  });
  const pickUp = () => serial.run(async () => {
    if (latest === delivered) return;
    delivered = latest;
    await driver.pickUp(latest, 'refresh', pickup);
  });
  return {
    plan: (_measureFromMs, untilMs) =>
      planSchedule(m.schedule(leaseClock(scenario, initial.issuedAt), untilMs, params, NO_JITTER), untilMs, (e) => {
        if (e.kind === 'password-rotated' && e.lease > 0) return { trigger: 'rotation-period', run: () => rotate('rotation-period') };
        if (e.kind === 'pickup') return { trigger: 'refresh', run: pickUp };
        return undefined;
      }),
    // A manual rotate-role: the carriers do not see it until their next scheduled re-read (VSO #494,
    // vault-k8s#614; facts file §8), so the replicas get it at the next pickup of the plan.
    rotateAt: () => rotate('at'),
  };
};
