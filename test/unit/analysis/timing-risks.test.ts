import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateRollout, timingRisks, type TimingRisk } from '../../../src/analysis/timing-risks.js';
import { formatTimingRisks, scenarioTimingLines, timingContextFor } from '../../../src/app/timing-check.js';
import { defaultStackConfig } from '../../../src/stack/config/normalize.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import type { Scenario } from '../../../src/scenario/model.js';

const root = join(import.meta.dirname, '..', '..', '..');
const scenariosDir = join(root, 'scenarios');
const load = (name: string): Scenario => parseScenario(readFileSync(join(scenariosDir, name), 'utf8'), `scenarios/${name}`);
const quickstart = load('local-quickstart.yaml');

/** The quickstart with some settings changed. */
function variant(change: (s: Scenario) => void): Scenario {
  const s = structuredClone(quickstart);
  change(s);
  return s;
}
const ids = (risks: TimingRisk[]) => risks.map((r) => r.id);
const only = (risks: TimingRisk[], id: string) => {
  expect(ids(risks)).toEqual([id]);
  return risks[0];
};

describe('timingRisks: the example scenarios', () => {
  // What each file's description says goes wrong; a new example scenario must be added here.
  const expected: Record<string, string[]> = {
    'local-quickstart.yaml': [],
    'local-vault.yaml': [],
    'local-revoke.yaml': [],
    'local-signal.yaml': [],
    'local-single-replica.yaml': ['single-replica', 'no-graceful-drain'],
    'local-expiry.yaml': ['expiry-before-refresh', 'pool-lifetime-with-none'],
    'local-postgraphile.yaml': [],
    // Strategies with their own timing get their own rules instead of the ESO-centred ones (timing-rules-strategy.ts).
    // init-renewer's credentials die at max TTL (15 s) inside the 22 s run: what the scenario shows.
    'local-init-renewer.yaml': ['renewer-max-ttl'],
    'compare-strategies.yaml': [],
    'local-vso.yaml': [],
    'local-csi.yaml': [],
    // The agent cache keeps the lease until max TTL (15 s); the next poll comes at 16 s (what the scenario shows).
    'local-csi-agent.yaml': ['csi-credentials-die'],
    'local-direct.yaml': [],
    // Replicas started together restart together (what the scenario shows); spread, they do not.
    'local-vault-env.yaml': ['vault-env-restart-together'],
    'local-vault-env-spread.yaml': [],
    // ESO carries the rotated password up to a refresh interval late (what the scenario shows).
    'local-static-role.yaml': ['static-pickup-gap'],
    'local-agent-template.yaml': [],
    'k8s-seed-experiment.yaml': [],
    'k8s-single-replica.yaml': [],
    'k8s-expiry.yaml': ['expiry-before-refresh'],
    'k8s-revoke.yaml': [],
    'k8s-vso.yaml': [],
    'k8s-agent-template.yaml': [],
    'k8s-csi.yaml': [],
  };
  const files = readdirSync(scenariosDir).filter((f) => f.endsWith('.yaml'));

  it('covers every scenario under scenarios/', () => {
    expect(files.filter((f) => !(f in expected))).toEqual([]);
  });

  for (const file of files.filter((f) => f in expected)) {
    it(`${file}: ${expected[file].join(', ') || 'no risks'}`, () => {
      expect(ids(timingRisks(load(file)))).toEqual(expected[file]);
    });
  }

  it('the quickstart is safe and rotate-test prints nothing for it', () => {
    expect(timingRisks(quickstart)).toEqual([]);
    expect(scenarioTimingLines(quickstart)).toEqual([]);
  });

  it('single-replica is a danger with maxSurge 0; expiry is a danger when refresh outlasts the TTL', () => {
    const single = timingRisks(load('local-single-replica.yaml'));
    expect(single.map((r) => [r.id, r.severity, r.path])).toEqual([
      ['single-replica', 'danger', 'workload.replicas'], ['no-graceful-drain', 'warning', 'workload.gracefulDrain']]);
    const expiry = timingRisks(load('local-expiry.yaml'));
    expect(expiry[0]).toMatchObject({ id: 'expiry-before-refresh', severity: 'danger', path: 'delivery.refreshInterval' });
    expect(expiry[0].message).toContain('refreshInterval 15s + rollout ~0s = 15s reaches');
    expect(expiry[0].fix).toContain('6s or less');
  });
});

describe('timingRisks: one rule per risky setting', () => {
  it('estimates a rollout as waves × (startup + readiness period) + the last stop', () => {
    // 3 replicas, maxSurge 1: 3 waves of 1 s + 200 ms readiness, then preStop 500 ms + 5 ms drain.
    expect(estimateRollout(quickstart)).toEqual({ ms: 3 * 1200 + 505, waves: 3, startupMs: 1200, stopMs: 505 });
    expect(estimateRollout(variant((s) => { s.workload.maxSurge = 2; s.workload.maxUnavailable = 1; })).waves).toBe(1);
    expect(estimateRollout(variant((s) => { s.delivery.reload = 'signal'; })).ms).toBe(0);
  });

  it('expiry-before-refresh: warning past 2/3 of the TTL, danger at the TTL and with refreshInterval 0', () => {
    // 8 s + 4.1 s rollout = 12.1 s: above 2/3 of 15 s (10 s), below 15 s.
    const warn = only(timingRisks(variant((s) => { s.database.role.defaultTtlMs = 15_000; })), 'expiry-before-refresh');
    expect(warn.severity).toBe('warning');
    expect(warn.fix).toBe('set delivery.refreshInterval to 5s or less (2/3 of 15s minus the ~4.11s rollout), or raise database.role.defaultTtl');
    const danger = only(timingRisks(variant((s) => { s.database.role.defaultTtlMs = 12_000; })), 'expiry-before-refresh');
    expect(danger.severity).toBe('danger');
    // No refreshInterval fits in 2/3 of 6 s next to a 4.1 s rollout: (8 s + 4.1 s) / (2/3) = 18.2 s.
    const tiny = only(timingRisks(variant((s) => { s.database.role.defaultTtlMs = 6_000; })), 'expiry-before-refresh');
    expect(tiny.fix).toBe('raise database.role.defaultTtl to at least 19s');
    const never = only(timingRisks(variant((s) => { s.delivery.refreshIntervalMs = 0; })), 'expiry-before-refresh');
    expect(never).toMatchObject({ severity: 'danger', path: 'delivery.refreshInterval' });
    expect(never.message).toContain('refreshInterval is 0');
    expect(never.fix).toContain('set delivery.refreshInterval to 35s or less');
  });

  it('the login token TTL bounds the credentials (kubernetes target: leases die with the token)', () => {
    const risks = timingRisks(quickstart, { authTokenTtlMs: 15_000 });
    expect(ids(risks)).toEqual(['expiry-before-refresh', 'token-ttl-cuts-lease']);
    expect(risks[0].message).toContain('vault.tokenTtl');
    expect(risks[1].fix).toContain('at least the lease TTL (1m)');
    expect(timingRisks(quickstart, { authTokenTtlMs: 3_600_000 })).toEqual([]);
  });

  it('the kubernetes target takes the token TTL from the lab config; the local target has no token', () => {
    const cfg = { ...defaultStackConfig(), vault: { ...defaultStackConfig().vault, tokenTtlMs: 15_000 } };
    expect(timingContextFor(variant((s) => { s.target = 'kubernetes'; }), cfg)).toEqual({ authTokenTtlMs: 15_000 });
    expect(timingContextFor(quickstart, cfg)).toEqual({});
  });

  it('max-ttl-cuts-lease: maxTtl below defaultTtl', () => {
    const r = only(timingRisks(variant((s) => { s.database.role.maxTtlMs = 30_000; })), 'max-ttl-cuts-lease');
    expect(r).toMatchObject({ severity: 'warning', path: 'database.role.maxTtl' });
    expect(r.message).toContain('maxTtl 30s is below defaultTtl 1m');
    // A defaultTtl of 0 means "up to maxTtl": not a cut.
    expect(timingRisks(variant((s) => { s.database.role.defaultTtlMs = 0; }))).toEqual([]);
  });

  it('single-replica: danger without surge, warning without drain, nothing when surge + drain', () => {
    const danger = only(timingRisks(variant((s) => { s.workload.replicas = 1; s.workload.maxSurge = 0; s.workload.maxUnavailable = 1; })), 'single-replica');
    expect(danger.severity).toBe('danger');
    expect(timingRisks(variant((s) => { s.workload.replicas = 1; }))).toEqual([]);
    const noDrain = timingRisks(variant((s) => { s.workload.replicas = 1; s.workload.gracefulDrain = false; }));
    expect(noDrain.map((r) => [r.id, r.severity])).toEqual([['single-replica', 'warning'], ['no-graceful-drain', 'warning']]);
  });

  it('unavailable-without-surge: capacity drop without surge; danger when all may stop', () => {
    const warn = only(timingRisks(variant((s) => { s.workload.maxSurge = 0; s.workload.maxUnavailable = 1; })), 'unavailable-without-surge');
    expect(warn).toMatchObject({ severity: 'warning', path: 'workload.maxUnavailable' });
    expect(warn.message).toContain('capacity drops by 33%');
    const all = only(timingRisks(variant((s) => { s.workload.maxUnavailable = 3; })), 'unavailable-without-surge');
    expect(all.severity).toBe('danger');
  });

  it('no-prestop: preStop shorter than endpoint propagation (at least 3 s on Kubernetes)', () => {
    const r = only(timingRisks(variant((s) => { s.workload.preStopMs = 0; })), 'no-prestop');
    expect(r).toMatchObject({ path: 'workload.preStop' });
    expect(r.fix).toContain('at least 200ms');
    const k8s = only(timingRisks(variant((s) => { s.target = 'kubernetes'; s.delivery.refreshIntervalMs = 20_000; })), 'no-prestop');
    expect(k8s.message).toContain('3s (typical on Kubernetes)');
  });

  it('grace-period-too-short: SIGKILL before preStop + the slowest request', () => {
    const r = only(timingRisks(variant((s) => { s.workload.terminationGracePeriodMs = 2_000; })), 'grace-period-too-short');
    expect(r.message).toContain('preStop 500ms + slowest request 2s');
    expect(r.path).toBe('workload.terminationGracePeriod');
  });

  it('no-graceful-drain: replicas exit at SIGTERM', () => {
    expect(only(timingRisks(variant((s) => { s.workload.gracefulDrain = false; })), 'no-graceful-drain').severity).toBe('warning');
  });

  it('rollouts-overlap: refreshInterval or rotations.at gaps shorter than a rollout', () => {
    const refresh = only(timingRisks(variant((s) => { s.delivery.refreshIntervalMs = 3_000; })), 'rollouts-overlap');
    expect(refresh.path).toBe('delivery.refreshInterval');
    const at = only(timingRisks(variant((s) => { s.rotations.atMs = [1_000, 2_000]; })), 'rollouts-overlap');
    expect(at.path).toBe('rotations.at');
    expect(at.message).toContain('only 1s apart');
  });

  it('rollouts-overlap: workload.expectedStartup replaces the built-in start-up guess', () => {
    // The base scenario's refresh does not overlap with the guessed 1 s start-up ...
    const guessed = timingRisks(variant((s) => { s.delivery.refreshIntervalMs = 8_000; }));
    expect(guessed.filter((r) => r.id === 'rollouts-overlap')).toEqual([]);
    // ... but does with a server that takes 4.5 s per replica, and the message says what it assumed.
    const measured = only(timingRisks(variant((s) => { s.delivery.refreshIntervalMs = 8_000; s.workload.expectedStartupMs = 4_500; })),
      'rollouts-overlap');
    expect(measured.message).toContain('with workload.expectedStartup 4.5s');
    const refresh = only(timingRisks(variant((s) => { s.delivery.refreshIntervalMs = 1_000; })), 'rollouts-overlap');
    expect(refresh.message).toContain("set workload.expectedStartup to your app's");
  });

  it('pool-lifetime-with-none: reload none; rollout rules do not apply without rollouts', () => {
    const r = only(timingRisks(variant((s) => {
      s.delivery.reload = 'none'; s.workload.replicas = 1; s.workload.maxSurge = 0; s.workload.gracefulDrain = false;
    })), 'pool-lifetime-with-none');
    expect(r).toMatchObject({ severity: 'warning', path: 'delivery.reload' });
    expect(r.message).toContain('idleTimeout 10s');
  });

  it('lease-pile-up (kubernetes): ESO never revokes, so TTL / refreshInterval leases are live', () => {
    const k8s = (s: Scenario) => {
      s.target = 'kubernetes'; s.workload.preStopMs = 5_000; s.database.role.defaultTtlMs = 3_600_000; s.database.role.maxTtlMs = 0; s.delivery.refreshIntervalMs = 30_000;
    };
    const r = only(timingRisks(variant(k8s)), 'lease-pile-up');
    expect(r.message).toContain('about 120 leases');
    expect(timingRisks(variant((s) => { k8s(s); s.target = 'local'; }))).toEqual([]);
    expect(ids(timingRisks(variant(k8s), { authTokenTtlMs: 600_000 }))).toEqual(['token-ttl-cuts-lease', 'lease-pile-up']);
  });

  it('dangers come first; every risk names a key and a fix', () => {
    const risks = timingRisks(variant((s) => {
      s.workload.replicas = 1; s.workload.maxSurge = 0; s.workload.gracefulDrain = false; s.workload.preStopMs = 0; s.delivery.refreshIntervalMs = 0;
    }));
    expect(ids(risks)).toEqual(['expiry-before-refresh', 'single-replica', 'no-prestop', 'no-graceful-drain']);
    for (const r of risks) {
      expect(r.fix.length).toBeGreaterThan(10);
      expect(r.path).toMatch(/^(delivery|database|workload|rotations)\./);
    }
  });
});

describe('formatTimingRisks', () => {
  it('one line per risk: symbol, key path, message, fix and rule id', () => {
    const lines = formatTimingRisks(timingRisks(load('local-single-replica.yaml')));
    expect(lines[0]).toMatch(/^✗ danger workload\.replicas: one replica with maxSurge 0: .* — fix: set workload\.replicas to 2 or more; .* \(single-replica\)$/);
    expect(lines[1]).toMatch(/^⚠ workload\.gracefulDrain: .* — fix: set workload\.gracefulDrain: true .* \(no-graceful-drain\)$/);
    const printed = scenarioTimingLines(load('local-single-replica.yaml'));
    expect(printed[0]).toBe('• Timing of scenarios/local-single-replica.yaml (local-single-replica): 1 danger, 1 warning; rollout estimate ~1.2s');
  });
});

describe('timingRisks: delivery strategies with their own timing', () => {
  it('gives them no refreshInterval advice, which would be wrong (and refused by the validator)', () => {
    const agent = load('local-agent-template.yaml');
    // The same scenario read as ESO with refreshInterval 0 is a danger: nothing would replace the credentials.
    expect(ids(timingRisks({ ...agent, delivery: { ...agent.delivery, strategy: undefined } }))).toContain('expiry-before-refresh');
    expect(ids(timingRisks(agent))).toEqual([]);
  });
});
