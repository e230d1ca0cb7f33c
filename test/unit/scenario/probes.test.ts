import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors.js';
import { ExitCode } from '../../../src/errors/exit-codes.js';
import { parseScenario } from '../../../src/scenario/loader.js';

const file = (workload: string) => `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: probes}
workload:
${workload}
load: {duration: 10s}
`;

function issues(workload: string): string[] {
  try {
    parseScenario(file(workload), 'probes.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(ExitCode.InvalidConfig);
    return (e as ConfigError).issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`);
  }
  throw new Error('the scenario loaded but should be invalid');
}

describe('workload probes, restart back-off and progress deadline in the scenario file', () => {
  it('keeps the old readiness shape: nothing or `path` is GET with the kubelet\'s 200-399', () => {
    const none = parseScenario(file('  replicas: 1'), 'a.yaml').workload;
    expect(none.readiness).toEqual({
      check: { kind: 'httpGet', path: '/ready', method: 'GET', headers: {}, statusMin: 200, statusMax: 399 },
      initialDelayMs: 0, periodMs: 200, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3, startupTimeoutMs: 30_000,
    });
    expect(none.liveness).toBeUndefined();
    expect(none.restartBackoff).toEqual({ initialMs: 10_000, maxMs: 300_000 });
    expect(none.progressDeadlineMs).toBe(600_000);
    const path = parseScenario(file('  readiness: {path: /healthz, period: 1s, startupTimeout: 5s}'), 'b.yaml').workload;
    expect(path.readiness).toMatchObject({ check: { kind: 'httpGet', path: '/healthz', method: 'GET' }, periodMs: 1000,
      startupTimeoutMs: 5000 });
  });

  it('reads every handler and the timing fields', () => {
    const w = parseScenario(file(`  readiness:
    httpGet: {path: /graphql, method: POST, headers: {content-type: application/json}, body: '{"query":"{ok}"}',
      status: 200-299, bodyExcludes: '"errors"'}
    initialDelay: 500ms
    timeout: 2s
    successThreshold: 2
    failureThreshold: 5
  liveness: {exec: {command: [/bin/check, '{{port}}']}, period: 3s}
  restartBackoff: {initial: 200ms, max: 2s}
  progressDeadline: 30s`), 'c.yaml').workload;
    expect(w.readiness).toEqual({
      check: { kind: 'httpGet', path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' },
        body: '{"query":"{ok}"}', statusMin: 200, statusMax: 299, bodyExcludes: '"errors"' },
      initialDelayMs: 500, periodMs: 200, timeoutMs: 2000, successThreshold: 2, failureThreshold: 5, startupTimeoutMs: 30_000,
    });
    expect(w.liveness).toEqual({ check: { kind: 'exec', command: ['/bin/check', '{{port}}'] }, initialDelayMs: 0,
      periodMs: 3000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
    expect(w.restartBackoff).toEqual({ initialMs: 200, maxMs: 2000 });
    expect(w.progressDeadlineMs).toBe(30_000);
    const tcp = parseScenario(file('  readiness: {tcpSocket: {}}'), 'd.yaml').workload;
    expect(tcp.readiness.check).toEqual({ kind: 'tcpSocket' });
  });

  it('rejects ambiguous or impossible probes with 104 at file:line:col', () => {
    expect(issues('  readiness: {path: /ready, tcpSocket: {}}')).toEqual([
      '5:21 workload.readiness.path: path is the shorthand for httpGet with GET; it cannot be used with tcpSocket (move it to httpGet.path)',
    ]);
    expect(issues('  readiness:\n    tcpSocket: {}\n    exec: {command: [/bin/true]}')).toEqual([
      '7:11 workload.readiness.exec: a probe has one handler, found tcpSocket and exec (keep one)',
    ]);
    expect(issues('  liveness: {period: 1s}')).toEqual(['5:13 workload.liveness: needs one handler: httpGet, tcpSocket or exec']);
    expect(issues('  liveness: {tcpSocket: {}, successThreshold: 2}')).toEqual([
      '5:47 workload.liveness.successThreshold: must be 1 for a liveness probe, as in Kubernetes (one success after a failure already counts)',
    ]);
    expect(issues('  readiness: {httpGet: {status: 399-200}}')).toEqual([
      '5:33 workload.readiness.httpGet.status: range "399-200" is empty (399 > 200)',
    ]);
    expect(issues('  liveness: {exec: {command: [check, "{{prot}}"]}}')).toEqual([
      '5:38 workload.liveness.exec.command[1]: unknown placeholder {{prot}}; known: {{port}}, {{host}}, {{databaseUrl}}, {{credentialsFile}}',
    ]);
    expect(issues('  restartBackoff: {initial: 1m, max: 10s}\n  progressDeadline: 0')).toEqual([
      '5:38 workload.restartBackoff.max: restartBackoff.initial cannot be longer than restartBackoff.max',
      '6:21 workload.progressDeadline: must be longer than 0 (every rollout would be abandoned at once)',
    ]);
    expect(issues('  readiness: {exec: {command: []}}')).toEqual(['5:31 workload.readiness.exec.command: needs the program and its arguments']);
  });
});
