import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../../src/errors/errors.js';
import { ExitCode } from '../../../src/errors/exit-codes.js';
import { parseScenario } from '../../../src/scenario/loader.js';

const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: b}\n';

/** Parses HEAD + body, which must be invalid; issues as `line:col path: message`. */
function issues(body: string): string[] {
  try {
    parseScenario(HEAD + body, 'b.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(ExitCode.InvalidConfig);
    return (e as ConfigError).issues.map((i: ConfigIssue) => `${i.line}:${i.col} ${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('scenario limits: refused at validate time, at the key, naming the limit', () => {
  it('refuses more than 50 replicas, 100000 req/s and 10000 connections or requests in flight', () => {
    const out = issues('workload: {replicas: 10000}\nload:\n  rate: 100001\n  connections: 10001\n  maxInFlight: 20000\n  duration: 10s\n');
    expect(out).toEqual([
      '4:22 workload.replicas: 10000 is over the limit of 50 replicas (each is a process with its own database pool)',
      '6:9 load.rate: 100001 is over the limit of 100,000 requests/s',
      expect.stringMatching(/^7:16 load\.connections: 10001 is over the limit of 10,000 connections/),
      expect.stringMatching(/^8:16 load\.maxInFlight: 20000 is over the limit of 10,000 requests in flight/),
    ]);
  });

  it('accepts every value at its limit', () => {
    const s = parseScenario(HEAD + 'workload: {replicas: 50}\nload: {rate: 100000, connections: 10000, maxInFlight: 10000, duration: 23h, warmUp: 1h}\n', 'b.yaml');
    expect(s.workload.replicas).toBe(50);
    expect(s.load.durationMs + s.load.warmUpMs).toBe(24 * 3_600_000);
  });

  it('refuses a run longer than 24 hours at load.duration, or at warmUp when that is the longer part', () => {
    expect(issues('load: {duration: 100000h}\n')).toEqual([
      '4:18 load.duration: load.warmUp + load.duration is 100000h, over the limit of 24h',
    ]);
    expect(issues('load:\n  duration: 1h\n  warmUp: 23.5h\n')).toEqual([
      '6:11 load.warmUp: load.warmUp + load.duration is 24.5h, over the limit of 24h',
    ]);
  });

  it('refuses more than 10 million bins at analysis.bin', () => {
    expect(issues('load: {duration: 3h}\nanalysis: {bin: 1ms}\n')).toEqual([
      '5:17 analysis.bin: 3h of load in 1ms bins is 10,800,000 bins, over the limit of 10,000,000 (use a wider analysis.bin)',
    ]);
    // The default 10ms bin fits every run the 24h limit allows.
    expect(parseScenario(HEAD + 'load: {duration: 24h}\n', 'b.yaml').analysis.binMs).toBe(10);
  });
});

describe('scenario zero values that would break a run', () => {
  it('refuses a zero load.duration, load.timeout and analysis.bin, and a sub-millisecond one', () => {
    expect(issues('load:\n  duration: 0\n  timeout: 0s\nanalysis:\n  bin: 0.4ms\n')).toEqual([
      '5:13 load.duration: must be longer than 0 (nothing would be measured)',
      '6:12 load.timeout: must be longer than 0 (every request would time out)',
      '8:8 analysis.bin: must be longer than 0 (the recorder counts requests per bin)',
    ]);
  });

  it('refuses a zero readiness period and startup timeout', () => {
    expect(issues('workload:\n  readiness: {period: 0, startupTimeout: 0ms}\nload: {duration: 10s}\n')).toEqual([
      expect.stringMatching(/^5:23 workload\.readiness\.period: must be longer than 0/),
      expect.stringMatching(/^5:42 workload\.readiness\.startupTimeout: must be longer than 0/),
    ]);
  });

  it('needs a timeout of at least 1s with rate: max only', () => {
    expect(issues('load: {rate: max, timeout: 500ms, duration: 10s}\n')).toEqual([
      '4:28 load.timeout: must be at least 1s with rate: max (autocannon counts its timeout in whole seconds)',
    ]);
    expect(parseScenario(HEAD + 'load: {rate: 50, timeout: 500ms, duration: 10s}\n', 'b.yaml').load.timeoutMs).toBe(500);
    expect(parseScenario(HEAD + 'load: {rate: max, timeout: 1s, duration: 10s}\n', 'b.yaml').load.timeoutMs).toBe(1000);
  });

  it('accepts a zero warm-up, settle and lead', () => {
    const s = parseScenario(HEAD + 'load: {duration: 10s, warmUp: 0}\nanalysis: {settle: 0, lead: 0}\n', 'b.yaml');
    expect([s.load.warmUpMs, s.analysis.settleMs, s.analysis.leadMs]).toEqual([0, 0, 0]);
  });
});
