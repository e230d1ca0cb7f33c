import { describe, expect, it } from 'vitest';
import { CSI_DEFAULTS, CSI_FACTS, nextCredentialsAt, pollAtOrAfter, schedule } from '../../../src/strategies/csi.js';
import { liveLeasesAt } from '../../../src/strategies/timing.js';
import { HOUR, MIN, minutesOf } from './helpers.js';

// Facts file §3 (driver values: enableSecretRotation false, rotationPollInterval empty = 2m [CSID values.yaml
// L218-236]; provider neither renews nor revokes [VCP]) and §0.2: without the agent each poll mints new
// creds; with vault-helm's default agent (csi.agent.enabled true) the cache renews the lease — UNVERIFIED.
describe('csi timing', () => {
  const lease = { issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR };
  const noAgent = { ...CSI_DEFAULTS, rotationEnabled: true, agentCache: false };
  const withAgent = { ...CSI_DEFAULTS, rotationEnabled: true, rotationPollIntervalMs: 5 * MIN };

  it('has the upstream defaults: rotation off, 2 min poll, agent on', () => {
    expect(CSI_DEFAULTS).toEqual({ rotationEnabled: false, rotationPollIntervalMs: 120_000, agentCache: true, pickup: 'file' });
  });

  it('without rotation gets credentials only at pod start', () => {
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, CSI_DEFAULTS)).toBeNull();
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, { ...CSI_DEFAULTS, agentCache: false })).toBeNull();
    const ev = schedule(lease, 3 * HOUR, { ...CSI_DEFAULTS, agentCache: false });
    expect(ev.map((e) => `${e.atMs / MIN}:${e.kind}`)).toEqual(['0:issue', '60:lease-expires']);
  });

  it('without the agent mints a new, unrenewed lease on every 2 min poll: 30 live leases after an hour', () => {
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, noAgent)).toBe(2 * MIN);
    const ev = schedule(lease, HOUR, noAgent);
    expect(minutesOf(ev, 'issue').slice(0, 4)).toEqual([0, 2, 4, 6]);
    expect(minutesOf(ev, 'renew')).toEqual([]);
    expect(liveLeasesAt(ev, HOUR)).toBe(30);
  });

  it('with the agent cache (UNVERIFIED) keeps the renewed lease across polls and takes new creds at the first poll after the agent gives it up', () => {
    // The agent's watcher gives the lease up at 164 min (timing.test.ts); the next 5 min poll is at 165 min.
    expect(nextCredentialsAt(0, HOUR, 3 * HOUR, withAgent, () => 0)).toBe(165 * MIN);
    const ev = schedule(lease, 170 * MIN, withAgent, () => 0);
    expect(minutesOf(ev, 'issue')).toEqual([0, 165]);
    expect(minutesOf(ev, 'poll', 0)).toHaveLength(32);
    expect(minutesOf(ev, 'poll', 0).at(-1)).toBe(160);
    expect(minutesOf(ev, 'renew', 0)).toEqual([0, 42, 84]);
    expect(minutesOf(ev, 'lease-expires', 0)).toEqual([]);
  });

  it('rounds to the next poll (at least one interval after the mount)', () => {
    expect(pollAtOrAfter(1000, 1000, 120_000)).toBe(121_000);
    expect(pollAtOrAfter(0, 121_000, 120_000)).toBe(240_000);
    expect(pollAtOrAfter(0, 240_000, 120_000)).toBe(240_000);
  });

  it('records the facts: per-replica credentials, file updated in place, agent cache reuse UNVERIFIED', () => {
    expect(CSI_FACTS).toMatchObject({ perReplicaCredentials: true, pickups: ['file', 'restart'], oldLease: ['never', 'expires'] });
    expect(CSI_FACTS.parameters.find((p) => p.name === 'agentCache')).toMatchObject({ certainty: 'UNVERIFIED', upstreamDefault: true });
  });
});
