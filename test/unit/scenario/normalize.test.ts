import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/scenario/loader.js';
import type { Scenario } from '../../../src/scenario/model.js';
import {
  DEFAULT_CREATION_STATEMENTS, DEFAULT_DATABASE_SETUP, DEFAULT_RENEW_STATEMENTS, DEFAULT_REVOCATION_STATEMENTS,
} from '../../../src/scenario/schema.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/scenarios/${name}`, import.meta.url));

describe('normalize: a minimal file gets every default, durations in ms', () => {
  it('fills the whole model', async () => {
    const file = fixture('valid-minimal.yaml');
    const expected: Scenario = {
      name: 'minimal',
      source: file,
      target: 'local',
      database: {
        name: 'app',
        setup: DEFAULT_DATABASE_SETUP,
        role: {
          name: 'app',
          creationStatements: DEFAULT_CREATION_STATEMENTS,
          revocationStatements: DEFAULT_REVOCATION_STATEMENTS,
          renewStatements: DEFAULT_RENEW_STATEMENTS,
          defaultTtlMs: 3_600_000,
          maxTtlMs: 86_400_000,
        },
      },
      credentials: { issuer: 'direct', vault: { mount: 'database', connection: 'vaultctl-pg' } },
      delivery: { refreshIntervalMs: 0, reload: 'restart', via: 'env' },
      workload: {
        replicas: 3, maxSurge: 1, maxUnavailable: 0, gracefulDrain: true,
        terminationGracePeriodMs: 30_000, preStopMs: 0, endpointPropagationMs: 0,
        readiness: {
          check: { kind: 'httpGet', path: '/ready', method: 'GET', headers: {}, statusMin: 200, statusMax: 399 },
          initialDelayMs: 0, periodMs: 200, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3, startupTimeoutMs: 30_000,
        },
        restartBackoff: { initialMs: 10_000, maxMs: 300_000 }, progressDeadlineMs: 600_000,
        pool: { max: 10, maxLifetimeMs: 0, idleTimeoutMs: 10_000 },
        querySleepMs: 0, servicePort: 0, serviceMode: 'kube-proxy', env: {},
      },
      load: {
        // Default in-flight cap: 1.25 × rate × timeout.
        rate: 100, connections: 10, maxInFlight: 625, keepAlive: true, workers: 'auto', durationMs: 10_000, warmUpMs: 0, timeoutMs: 5000,
        request: { method: 'GET', path: '/', headers: {} },
        success: { statusMin: 200, statusMax: 299 },
      },
      rotations: { atMs: [], revokeAtMs: [], rotateRootAtMs: [] },
      analysis: { settleMs: 2000, leadMs: 250, binMs: 10 },
      thresholds: [],
    };
    expect(await loadScenarioFile(file)).toStrictEqual(expected);
  });

  it('the default statements are the ones Vault documents, revocation ends sessions first', () => {
    expect(DEFAULT_CREATION_STATEMENTS[0]).toBe(
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`);
    expect(DEFAULT_REVOCATION_STATEMENTS[0]).toContain('pg_terminate_backend');
    expect(DEFAULT_REVOCATION_STATEMENTS.at(-1)).toBe('DROP ROLE IF EXISTS "{{name}}";');
  });
});

describe('normalize: a file that sets every key keeps every value', () => {
  it('maps each key to the model', async () => {
    const s = await loadScenarioFile(fixture('valid-full.yaml'));
    expect(s).toMatchObject({
      name: 'full-0', description: 'every key set', target: 'kubernetes',
      database: {
        name: 'shop', setup: ['CREATE TABLE items (id int);'],
        role: { name: 'shop', revocationStatements: [], renewStatements: [], defaultTtlMs: 120_000, maxTtlMs: 5_400_000 },
      },
      credentials: { issuer: 'vault', vault: { mount: 'db', connection: 'shop-pg' } },
      delivery: { refreshIntervalMs: 15_000, reload: 'signal', via: 'file' },
      workload: {
        replicas: 2, maxSurge: 0, maxUnavailable: 1, gracefulDrain: false,
        terminationGracePeriodMs: 5000, preStopMs: 0, endpointPropagationMs: 250,
        readiness: {
          check: { kind: 'httpGet', path: '/healthz', method: 'GET', headers: {}, statusMin: 200, statusMax: 399 },
          initialDelayMs: 0, periodMs: 100, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3, startupTimeoutMs: 60_000,
        },
        restartBackoff: { initialMs: 10_000, maxMs: 300_000 }, progressDeadlineMs: 600_000,
        pool: { max: 4, maxLifetimeMs: 30_000, idleTimeoutMs: 1000 },
        querySleepMs: 2, servicePort: 8080, serviceMode: 'l7', command: ['node', 'app.js', '--port', '0'], env: { LOG_LEVEL: 'debug' },
      },
      load: {
        rate: 'max', connections: 20, durationMs: 60_000, warmUpMs: 5000, timeoutMs: 1500,
        request: { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: '{"id":1}' },
        success: { statusMin: 201, statusMax: 201, bodyIncludes: 'ok', bodyExcludes: 'error' },
      },
      rotations: { atMs: [10_000, 20_000], revokeAtMs: [45_000] },
      analysis: { settleMs: 3000, binMs: 5 },
    });
  });

  it('parses thresholds to base units, with abortOnFail from the object form', async () => {
    const s = await loadScenarioFile(fixture('valid-full.yaml'));
    expect(s.thresholds).toEqual([
      { expression: 'rollout.failure_rate < 0.1%', metric: 'rollout.failure_rate', op: '<', value: 0.001, abortOnFail: false },
      { expression: 'rollout.downtime <= 500ms', metric: 'rollout.downtime', op: '<=', value: 500, abortOnFail: false },
      { expression: 'leases.outstanding == 0', metric: 'leases.outstanding', op: '==', value: 0, abortOnFail: true },
      { expression: 'latency.p99 < 2s', metric: 'latency.p99', op: '<', value: 2000, abortOnFail: false },
    ]);
  });
});
