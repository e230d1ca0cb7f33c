import { strategy } from '../../../strategies/index.js';
import { leaseClock, planSchedule, Serial, type MachineFactory } from './machine.js';

/**
 * init-renewer (an init container + WealthWizards' lease renewer sidecar, facts file §6): the
 * replicas get credentials once, at start; the renewer renews that lease on init-renewer's schedule
 * (src/strategies/init-renewer.ts: a run every RENEW_INTERVAL, renewing when the TTL is below twice
 * it) until an answer comes back capped by max TTL, and then exits. Nothing fetches new
 * credentials: at max TTL the issuer's expiry revokes them and new logins fail (28P01) until
 * something restarts the replicas.
 *
 * States: `renewing` → `exited` (a capped answer — "any Vault warnings make it exit 1" — or a refused renewal).
 */
export const initRenewerMachine: MachineFactory = ({ scenario, driver, initial }) => {
  const m = strategy('init-renewer');
  const params = {
    renewIntervalMs: scenario.delivery.renewEveryMs ?? m.defaults.renewIntervalMs,
    incrementMs: scenario.delivery.renewIncrementMs ?? m.defaults.incrementMs,
  };
  let state: 'renewing' | 'exited' = 'renewing';
  const serial = new Serial();
  const renew = () => serial.run(async () => {
    if (state === 'exited') return;
    const granted = await driver.renew(driver.current(), params.incrementMs);
    if (!granted || granted.capped) state = 'exited';
  });
  return {
    plan: (_measureFromMs, untilMs) =>
      planSchedule(m.schedule(leaseClock(scenario, initial.issuedAt), untilMs, params), untilMs, (e) =>
        (e.kind === 'renew' || e.kind === 'renew-truncated' ? { trigger: 'renew', run: renew } : undefined)),
    // Forced new credentials mean new pods (their init containers fetch): a rolling restart. The
    // renewer then renews the new lease on the first lease's timetable (not re-anchored).
    rotateAt: () => driver.rotate('at', 'restart'),
  };
};
