import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors.js';
import { parseScenario } from '../../../src/scenario/loader.js';

const header = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: load}\n';

function issues(load: string): string[] {
  try {
    parseScenario(`${header}load:\n${load}`, 'load.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`);
  }
  throw new Error('the scenario loaded but should be invalid');
}

describe('load settings', () => {
  it('defaults maxInFlight to rate × timeout with headroom, never below the pool, capped', () => {
    const at = (load: string) => parseScenario(`${header}load:\n  duration: 10s\n${load}`, 'x.yaml').load;
    expect(at('  rate: 100\n  timeout: 1s\n')).toMatchObject({ maxInFlight: 125, keepAlive: true, connections: 10 });
    expect(at('  rate: 2\n  timeout: 1s\n  connections: 8\n').maxInFlight).toBe(8);
    expect(at('  rate: 100000\n').maxInFlight).toBe(4000);
    expect(at('  rate: 50\n  maxInFlight: 7\n  keepAlive: false\n')).toMatchObject({ maxInFlight: 7, keepAlive: false });
  });

  it('rejects impossible values at file:line:col, all at once', () => {
    expect(issues('  duration: 10s\n  rate: 0\n  maxInFlight: 0\n  keepAlive: sometimes\n')).toEqual([
      '6:9 load.rate: must be a positive number of requests/s (or "max")',
      '7:16 load.maxInFlight: must be at least 1',
      '8:14 load.keepAlive: expected boolean, received string',
    ]);
    expect(issues('  duration: 10s\n  rate: -5\n')).toEqual(['6:9 load.rate: must be a positive number of requests/s (or "max")']);
  });
});
