import type { Credentials } from '../../../ports/credentials.js';
import { agentPickupOf } from '../../../scenario/delivery-strategy.js';
import { strategy } from '../../../strategies/index.js';
import { NO_JITTER } from '../../../strategies/strategy.js';
import { leaseClock, planSchedule, Serial, type MachineFactory } from './machine.js';
import { refreshPlan } from './secret-sync-restart.js';

/**
 * agent-template (Vault Agent injector + consul-template, facts file §2): the agent's
 * LifetimeWatcher renews the lease (now, then every 2/3·remaining + grace/3) and, once max TTL caps
 * the renewals to ≤ 4×grace, fetches new credentials and re-renders the file, which the app picks up
 * by `pickup` (SIGHUP, its own re-read, or a rolling restart); the old lease is left to expire. The
 * times are agent-template's schedule (src/strategies/agent-template.ts), without jitter (grace =
 * 10 % of the lease) so that runs repeat.
 *
 * States: `watching` lease k → (re-fetch) `watching` lease k+1. A renewal for a lease that is no
 * longer watched (its re-fetch failed) does nothing.
 *
 * Derived from `reload: signal` (no `delivery.strategy`), it keeps today's timing: new credentials
 * every `refreshInterval` (ESO's ticks), no renewals, delivered by SIGHUP.
 */
export const agentTemplateMachine: MachineFactory = ({ scenario, driver, initial }) => {
  const pickup = agentPickupOf(scenario.delivery);
  if (scenario.delivery.strategy === undefined) {
    return {
      plan: (measureFromMs, untilMs) => refreshPlan(scenario, driver, pickup, measureFromMs, untilMs),
      rotateAt: () => driver.rotate('at', pickup),
    };
  }
  const m = strategy('agent-template');
  const params = { ...m.defaults, pickup };
  const leases = new Map<number, Credentials>([[0, initial]]);
  let watching = 0;
  const serial = new Serial();
  const refetch = (lease: number) => serial.run(async () => {
    const creds = await driver.rotate('expiry', pickup);
    if (creds) {
      leases.set(lease, creds);
      watching = lease;
    }
  });
  const renew = (lease: number) => serial.run(async () => {
    const creds = leases.get(lease);
    // Increment 0: the role's default TTL, as the watcher asks (facts file §2 "Renewal").
    if (creds && lease === watching) await driver.renew(creds, 0);
  });
  return {
    plan: (_measureFromMs, untilMs) =>
      planSchedule(m.schedule(leaseClock(scenario, initial.issuedAt), untilMs, params, NO_JITTER), untilMs, (e) => {
        if (e.kind === 'issue' && e.lease > 0) return { trigger: 'expiry', run: () => refetch(e.lease) };
        if (e.kind === 'renew' || e.kind === 'renew-truncated') return { trigger: 'renew', run: () => renew(e.lease) };
        return undefined;
      }),
    // Forced new credentials are rendered and picked up at once; the watcher keeps its own lease's timetable.
    rotateAt: () => serial.run(() => driver.rotate('at', pickup)),
  };
};
