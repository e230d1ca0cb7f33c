import { describe, expect, it } from 'vitest';
import { deliveryIssues, parseDelivery } from '../../support/delivery-issues.js';

const parse = parseDelivery;
const issues = deliveryIssues;

describe('delivery keys of vso and static-role', () => {
  it('normalizes vso\'s renewalPercent and revoke, and static-role\'s rotationPeriod and carrier', () => {
    expect(parse('  strategy: vso\n  renewalPercent: 80\n  revoke: true\n').delivery)
      .toMatchObject({ strategy: 'vso', renewalPercent: 80, revoke: true, reload: 'restart' });
    expect(parse('  strategy: static-role\n  rotationPeriod: 10s\n  carrier: secret-sync-restart\n  refreshInterval: 6s\n').delivery)
      .toMatchObject({ strategy: 'static-role', rotationPeriodMs: 10_000, carrier: 'secret-sync-restart', refreshIntervalMs: 6000, reload: 'restart' });
    expect(parse('  strategy: static-role\n  carrier: agent-template\n  via: file\n').delivery).toMatchObject({ reload: 'signal' });
  });

  it('refuses them on other strategies, and renewalPercent past VSO\'s 90', () => {
    expect(issues('  strategy: init-renewer\n  revoke: true\n')).toEqual(['7:11 delivery.revoke: revoke belongs to strategy vso, not init-renewer']);
    expect(issues('  strategy: vso\n  carrier: vso\n')).toEqual(['7:12 delivery.carrier: carrier belongs to strategy static-role, not vso']);
    expect(issues('  rotationPeriod: 1h\n')).toEqual(['6:19 delivery.rotationPeriod: rotationPeriod needs delivery.strategy: static-role']);
    expect(issues('  strategy: vso\n  renewalPercent: 95\n')).toEqual([expect.stringMatching(/^7:19 delivery.renewalPercent: /)]);
  });

  it('static-role: ESO\'s refreshInterval only with the ESO carrier, a file for the agent, 5 s minimum, direct issuer only', () => {
    expect(issues('  strategy: static-role\n  refreshInterval: 5s\n')).toEqual([expect.stringMatching(/^7:20 delivery.refreshInterval: refreshInterval is ESO's/)]);
    expect(issues('  strategy: static-role\n  carrier: agent-template\n'))
      .toEqual(['7:12 delivery.carrier: carrier agent-template renders a file: it needs via: file']);
    expect(issues('  strategy: static-role\n  rotationPeriod: 4s\n'))
      .toEqual(['7:19 delivery.rotationPeriod: rotationPeriod must be at least 5s (Vault\'s minimum rotation_period)']);
    expect(issues('  strategy: static-role\n', 'credentials: {issuer: vault}\n'))
      .toEqual([expect.stringMatching(/^7:13 delivery.strategy: strategy static-role runs with credentials.issuer: direct only/)]);
  });
});

describe('rotations with static-role', () => {
  it('refuses rotations.revoke: static credentials have no lease', () => {
    expect(issues('  strategy: static-role\n', 'rotations: {revoke: [2s]}\n'))
      .toEqual([expect.stringMatching(/^5:21 rotations.revoke: static-role credentials have no lease to revoke/)]);
  });
});
