import { describe, expect, it } from 'vitest';
import { deliveryIssues, parseDelivery } from '../../support/delivery-issues.js';
import {
  DELIVERY_STRATEGY_NAMES, IMPLEMENTED_STRATEGIES, agentPickupOf, deliveryStrategyOf,
} from '../../../src/scenario/delivery-strategy.js';
import { strategyNames } from '../../../src/strategies/index.js';
import { LOCAL_STRATEGIES } from '../../../src/targets/local/strategies/index.js';
import { KUBE_DELIVERIES } from '../../../src/targets/kubernetes/delivery/index.js';
import { LAB_STRATEGY_NAMES } from '../../../src/stack/strategies/names.js';

const parse = parseDelivery;
const issues = deliveryIssues;

describe('delivery.strategy', () => {
  it('names the same strategies, in the same order, as src/strategies', () => {
    expect([...DELIVERY_STRATEGY_NAMES]).toEqual(strategyNames());
  });

  it('lists as implemented on the local target exactly the machines of its table', () => {
    expect([...IMPLEMENTED_STRATEGIES.local].sort()).toEqual(Object.keys(LOCAL_STRATEGIES).sort());
  });

  it('lists as implemented on the kubernetes target exactly the strategies the lab installs, each with its delivery', () => {
    expect([...IMPLEMENTED_STRATEGIES.kubernetes].sort()).toEqual([...LAB_STRATEGY_NAMES].sort());
    expect(Object.keys(KUBE_DELIVERIES).sort()).toEqual([...LAB_STRATEGY_NAMES].sort());
  });

  it('refuses rotations.at on kubernetes for the strategies that fetch on their own schedule (agent-template, csi)', () => {
    for (const name of ['agent-template', 'csi']) {
      expect(issues(`  strategy: ${name}\n  via: file\nrotations: {at: [1s]}\n`, 'target: kubernetes\n'))
        .toEqual([expect.stringMatching(new RegExp(`^\\d+:\\d+ rotations.at: on target kubernetes, ${name} fetches new credentials on its own schedule`))]);
    }
    // VSO has a lever (a spec change of its VaultDynamicSecret), and locally every strategy is emulated.
    expect(parse('  strategy: vso\nrotations: {at: [1s]}\n', 'target: kubernetes\n').rotations.atMs).toEqual([1000]);
    expect(parse('  strategy: csi\n  via: file\nrotations: {at: [1s]}\n').rotations.atMs).toEqual([1000]);
  });

  it('is derived from today\'s knobs when absent, and the model keeps no strategy key then', () => {
    const restart = parse('  reload: restart\n');
    expect(restart.delivery).toEqual({ refreshIntervalMs: 0, reload: 'restart', via: 'env' });
    expect(deliveryStrategyOf(restart.delivery)).toBe('secret-sync-restart');
    expect(deliveryStrategyOf(parse('  reload: none\n').delivery)).toBe('secret-sync-restart');
    const signal = parse('  reload: signal\n  via: file\n').delivery;
    expect([deliveryStrategyOf(signal), agentPickupOf(signal)]).toEqual(['agent-template', 'signal']);
  });

  it('takes the strategy and its parameters, mapping reload onto what the replicas do', () => {
    const renewer = parse('  strategy: init-renewer\n  renewEvery: 2s\n  renewIncrement: 6s\n').delivery;
    expect(renewer).toMatchObject({ strategy: 'init-renewer', reload: 'none', renewEveryMs: 2000, renewIncrementMs: 6000 });
    const agent = parse('  strategy: agent-template\n  via: file\n  pickup: signal\n').delivery;
    expect(agent).toMatchObject({ strategy: 'agent-template', reload: 'signal', pickup: 'signal' });
    // Upstream's default: no agent-inject-command, the app re-reads the file.
    expect(agentPickupOf(parse('  strategy: agent-template\n  via: file\n').delivery)).toBe('reread');
    expect(parse('  strategy: agent-template\n  via: file\n  pickup: restart\n').delivery.reload).toBe('restart');
  });

  it('refuses a strategy the local target does not implement yet, at its line and column', () => {
    // Those the local table lacks (helpers are adding them one by one; none may be left).
    for (const name of DELIVERY_STRATEGY_NAMES.filter((n) => !IMPLEMENTED_STRATEGIES.local.includes(n))) {
      expect(issues(`  strategy: ${name}\n`)).toEqual([`6:13 delivery.strategy: strategy ${name} is not implemented on the local target yet`]);
    }
    expect(issues('  strategy: init-renewer\n', 'target: kubernetes\n'))
      .toEqual(['7:13 delivery.strategy: strategy init-renewer is not implemented on the kubernetes target yet']);
  });

  it('refuses keys that belong to another strategy, or to none', () => {
    expect(issues('  pickup: signal\n')).toEqual(['6:11 delivery.pickup: pickup needs delivery.strategy: agent-template']);
    expect(issues('  strategy: init-renewer\n  pickup: signal\n'))
      .toEqual(['7:11 delivery.pickup: pickup belongs to strategy agent-template, not init-renewer']);
    expect(issues('  strategy: secret-sync-restart\n  renewEvery: 1s\n'))
      .toEqual(['7:15 delivery.renewEvery: renewEvery belongs to strategy init-renewer, not secret-sync-restart']);
  });

  it('refuses ESO\'s knobs with strategies that have their own timing, and agent-template without a file', () => {
    expect(issues('  strategy: init-renewer\n  refreshInterval: 5s\n')).toEqual([expect.stringMatching(/^7:20 delivery.refreshInterval: refreshInterval is ESO's/)]);
    expect(issues('  strategy: agent-template\n  via: file\n  reload: signal\n'))
      .toEqual(['8:11 delivery.reload: reload applies to secret-sync-restart only; use delivery.pickup']);
    expect(issues('  strategy: agent-template\n')).toEqual(['6:13 delivery.strategy: agent-template renders a file: it needs via: file']);
    expect(issues('  strategy: secret-sync-restart\n  reload: signal\n  via: file\n'))
      .toEqual([expect.stringMatching(/^7:11 delivery.reload: reload: signal is strategy agent-template/)]);
    expect(() => parse('  strategy: secret-sync-restart\n  refreshInterval: 5s\n  reload: none\n')).not.toThrow();
  });

  it('takes csi and vault-env with their parameters; csi needs a file per replica, vault-env env', () => {
    const csi = parse('  strategy: csi\n  via: file\n  enableSecretRotation: true\n  rotationPollInterval: 4s\n  agentCache: false\n').delivery;
    expect(csi).toMatchObject({ strategy: 'csi', enableSecretRotation: true, rotationPollIntervalMs: 4000, agentCache: false });
    expect(parse('  strategy: vault-env\n  killAfter: 2s\n  startSpread: 9s\n').delivery)
      .toMatchObject({ strategy: 'vault-env', killAfterMs: 2000, startSpreadMs: 9000 });
    expect(issues('  strategy: csi\n')).toEqual(['6:13 delivery.strategy: csi mounts a file per replica: it needs via: file']);
    expect(issues('  strategy: vault-env\n  via: file\n')).toEqual(['7:8 delivery.via: vault-env passes credentials as env at exec: it needs via: env']);
    expect(issues('  strategy: vault-env\n  rotationPollInterval: 4s\n'))
      .toEqual(['7:25 delivery.rotationPollInterval: rotationPollInterval belongs to strategy csi, not vault-env']);
    expect(issues('  startSpread: 4s\n')).toEqual(['6:16 delivery.startSpread: startSpread needs delivery.strategy: vault-env']);
  });
});
