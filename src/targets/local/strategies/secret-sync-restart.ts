import type { Scenario } from '../../../scenario/model.js';
import { strategy } from '../../../strategies/index.js';
import type { PlannedRotation } from '../../target.js';
import type { DriverPickup, RotationDriver } from '../rotation-driver.js';
import { leaseClock, planSchedule, type MachineFactory } from './machine.js';

/**
 * ESO's refresh ticks: a new lease every `refreshInterval`, counted from the end of the warm-up,
 * each delivered by `pickup`. The times are secret-sync-restart's schedule (src/strategies/
 * secret-sync-restart.ts, facts file "Matrix", ESO row), anchored where the load's measurement starts.
 */
export function refreshPlan(
  s: Scenario, driver: RotationDriver, pickup: DriverPickup, measureFromMs: number, untilMs: number,
): PlannedRotation[] {
  const m = strategy('secret-sync-restart');
  const params = { ...m.defaults, refreshIntervalMs: s.delivery.refreshIntervalMs };
  // Lease 0 is the one the replicas hold already; each later issue is a refresh.
  return planSchedule(m.schedule(leaseClock(s, measureFromMs), untilMs, params), untilMs, (e) =>
    (e.kind === 'issue' && e.lease > 0 ? { trigger: 'refresh', run: () => driver.rotate('refresh', pickup) } : undefined));
}

/**
 * secret-sync-restart (ESO VaultDynamicSecret + Wave or Reloader, facts file "Matrix" and §4):
 * one state, "synced". Every refresh issues a new lease and rolls the replicas (`reload: restart`)
 * or leaves them on the old credentials (`reload: none`); the old lease is never renewed nor revoked.
 */
export const secretSyncRestartMachine: MachineFactory = ({ scenario, driver }) => {
  const pickup: DriverPickup = scenario.delivery.reload === 'none' ? 'none' : 'restart';
  return {
    plan: (measureFromMs, untilMs) => refreshPlan(scenario, driver, pickup, measureFromMs, untilMs),
    rotateAt: () => driver.rotate('at', pickup),
  };
};
