import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allFacts, anyStrategy, isStrategyName, STRATEGIES, strategy, strategyNames } from '../../../src/strategies/index.js';
import { HOUR } from './helpers.js';

// The one table of strategies (issue 11): every name, a stable order for `--strategy all`, and complete facts.
const ORDER = ['secret-sync-restart', 'vso', 'agent-template', 'csi', 'vault-env', 'init-renewer', 'static-role', 'direct'];
// Source keys of the facts file's table (../shared/reference/delivery-strategies.md), plus DOC for docs and other repos.
const KEYS = ['VSO', 'VH', 'VK8S', 'CT', 'VLT', 'CSID', 'VCP', 'REL', 'BVW', 'BVE', 'BVSDK', 'BVR', 'ESO', 'WWI', 'WWR', 'DOC'];

describe('the strategy table', () => {
  it('lists every strategy in the stable order, and only those', () => {
    expect(strategyNames()).toEqual(ORDER);
    expect(strategyNames()).toEqual(strategyNames());
    expect(allFacts().map((f) => f.name)).toEqual(ORDER);
    expect(ORDER.every(isStrategyName)).toBe(true);
    expect(isStrategyName('all')).toBe(false);
    expect(isStrategyName('toString')).toBe(false);
  });

  it.each(ORDER)('%s has complete facts whose parameters match its defaults', (name) => {
    if (!isStrategyName(name)) throw new Error(name);
    const entry = STRATEGIES[name];
    const { facts } = entry;
    expect(facts.name).toBe(name);
    expect(facts.emulates.length).toBeGreaterThan(10);
    expect(facts.newCredentials.summary.length).toBeGreaterThan(10);
    expect(facts.pickups.length).toBeGreaterThan(0);
    expect(facts.oldLease.length).toBeGreaterThan(0);
    expect(facts.sources.length).toBeGreaterThan(0);
    for (const s of facts.sources) {
      expect(KEYS).toContain(s.key);
      expect(s.ref.length).toBeGreaterThan(5);
    }
    const defaults = entry.defaults as Record<string, unknown>;
    expect(facts.parameters.map((p) => p.name).sort()).toEqual(Object.keys(defaults).sort());
    for (const p of facts.parameters) {
      expect(KEYS).toContain(p.source.key);
      expect(defaults[p.name]).toEqual(p.vaultctlDefault ? p.vaultctlDefault.value : p.upstreamDefault);
      if (p.certainty === 'UNVERIFIED') expect(p.unverified, `${name}.${p.name}`).toBeTruthy();
    }
  });

  it('has timing functions every entry answers with its own defaults', () => {
    for (const name of strategyNames()) {
      const s = anyStrategy(name);
      expect(s).toBe(strategy(name));
      const next = s.nextCredentialsAt(0, HOUR, 3 * HOUR, s.defaults, () => 0);
      expect(next === null || next > 0, name).toBe(true);
      const ev = s.schedule({ issuedAtMs: 0, leaseMs: HOUR, maxTtlMs: 3 * HOUR }, 6 * HOUR, s.defaults, () => 0);
      expect(ev[0], name).toMatchObject({ atMs: 0 });
      expect(ev.map((e) => e.atMs), name).toEqual([...ev.map((e) => e.atMs)].sort((a, b) => a - b));
    }
  });

  it('marks only direct as needing Vault, and csi, agent-template, vault-env, init-renewer, direct as per-replica', () => {
    expect(allFacts().filter((f) => f.needsVault).map((f) => f.name)).toEqual(['direct']);
    expect(allFacts().filter((f) => f.perReplicaCredentials).map((f) => f.name))
      .toEqual(['agent-template', 'csi', 'vault-env', 'init-renewer', 'direct']);
  });

  // The facts file lives beside the checkout in the lab; elsewhere there is nothing to compare with.
  const FACTS_FILE = fileURLToPath(new URL('../../../../shared/reference/delivery-strategies.md', import.meta.url));
  it.skipIf(!existsSync(FACTS_FILE))('cites its sources as the facts file names them (every key used is in its source table)', () => {
    const facts = readFileSync(FACTS_FILE, 'utf8');
    const used = new Set(allFacts().flatMap((f) => [...f.sources, ...f.parameters.map((p) => p.source)]).map((s) => s.key));
    for (const key of used) if (key !== 'DOC') expect(facts, key).toMatch(new RegExp(`\\b${key}\\b`));
  });
});
