import { describe, expect, it } from 'vitest';
import { maskScenario, scenarioSecrets } from '../../../src/results/mask-scenario.js';
import type { Scenario } from '../../../src/scenario/model.js';

const scenario = {
  name: 's',
  workload: { replicas: 1, env: { DB_PASSWORD: 'hunter2-long', API_KEY: 'k-123456', DEMO_TABLE: 'orders', SESSION_COOKIE: '' } },
  load: { rate: 20, request: { method: 'GET', path: '/', headers: { Authorization: 'Bearer tok-abcdef', Accept: 'text/plain' } } },
} as unknown as Scenario;

describe('maskScenario', () => {
  it('masks values whose names look secret and keeps the rest', () => {
    const masked = maskScenario(scenario);
    expect(masked.workload.env).toEqual({ DB_PASSWORD: '***', API_KEY: '***', DEMO_TABLE: 'orders', SESSION_COOKIE: '***' });
    expect(masked.load.request.headers).toEqual({ Authorization: '***', Accept: 'text/plain' });
    expect(masked.workload.replicas).toBe(1);
    expect(masked.load.rate).toBe(20);
    // pure: the scenario that runs keeps its values
    expect(scenario.workload.env.DB_PASSWORD).toBe('hunter2-long');
    expect(scenario.load.request.headers.Authorization).toBe('Bearer tok-abcdef');
  });

  it('lists the secret values, a bearer token also without its scheme', () => {
    expect(scenarioSecrets(scenario).sort()).toEqual(['Bearer tok-abcdef', 'hunter2-long', 'k-123456', 'tok-abcdef']);
  });
});
