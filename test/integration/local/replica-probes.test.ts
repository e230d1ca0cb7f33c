import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExternalError } from '../../../src/errors/errors.js';
import type { ProbeCheck } from '../../../src/scenario/model.js';
import { creds, get, harness, probe, until, useSupervisors } from './supervisor-harness.js';

// Probes shaped like Kubernetes' (httpGet with method/headers/body/status, tcpSocket, exec; thresholds), run by the replica.
const { track, tempDir } = useSupervisors('vaultctl-probes-');

/** One replica whose readiness is `check`; /ready of the fixture would answer 503 for a minute. */
function withReadiness(check: ProbeCheck, startupTimeoutMs = 10_000) {
  const h = harness({ workload: { replicas: 1, readiness: { ...probe({ check }), startupTimeoutMs } }, env: { READY_DELAY_MS: '60000' } });
  return track(h);
}

/** Connects to the port in argv[1] and checks PGUSER: exit 0 when both hold. */
const EXEC_CHECK = `const s = require('net').connect(Number(process.argv[1]), '127.0.0.1');
s.on('connect', () => { console.log('as', process.env.PGUSER); process.exit(process.env.PGUSER === 'alice' ? 0 : 3); });
s.on('error', (e) => { console.log('cannot connect:', e.code); process.exit(1); });`;

describe('replica probes', { timeout: 30_000 }, () => {
  it('exec: the command runs with the replica\'s env and placeholders; exit 0 is ready, anything else is not', async () => {
    const ok = withReadiness({ kind: 'exec', command: [process.execPath, '-e', EXEC_CHECK, '{{port}}'] });
    await ok.sup.start(creds('alice'));
    expect(ok.proxy.live.has('r1')).toBe(true);
    expect(await get(ok.proxy.live.get('r1')!)).toBe('alice');

    // Long enough for a busy machine to start the app and a probe that reaches it (the error names the last one).
    const bad = withReadiness({ kind: 'exec', command: [process.execPath, '-e', EXEC_CHECK, '{{port}}'] }, 3000);
    const err = await bad.sup.start(creds('bob')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as Error).message).toMatch(/^replica r1 was not ready within 3s \(port \d+; last readiness probe: exec .*node exited with 3: as bob\)$/);
  });

  it('tcpSocket: an open port is ready, whatever HTTP would say', async () => {
    const h = withReadiness({ kind: 'tcpSocket' });
    await h.sup.start(creds('alice'));
    expect(h.sink.of('replica_ready')).toHaveLength(1);
    expect(await get(h.proxy.live.get('r1')!)).toBe('alice');
  });

  it('httpGet sends the method, headers and body and checks the status range', async () => {
    const check = (headers: Record<string, string>): ProbeCheck => ({ kind: 'httpGet', path: '/probe', method: 'POST', headers,
      body: 'ping', statusMin: 200, statusMax: 202 });
    const ok = withReadiness(check({ 'x-probe': 'yes' }));
    await ok.sup.start(creds('alice'));
    expect(ok.proxy.live.has('r1')).toBe(true);

    const bad = withReadiness(check({ 'x-probe': 'no' }), 500);
    const err = await bad.sup.start(creds('alice')).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/last readiness probe: POST \/probe answered 400 \(expected 200-202\)\)$/);
    // The same answer is a success when the range allows it.
    const wide = withReadiness({ ...check({ 'x-probe': 'no' }), statusMin: 400, statusMax: 400 });
    await wide.sup.start(creds('alice'));
    expect(wide.proxy.live.has('r1')).toBe(true);
  });

  it('readiness failing after ready takes a replica out of the Service, and passing again puts it back', async () => {
    const unready = join(tempDir(), 'unready');
    const h = harness({
      workload: { replicas: 2, readiness: { ...probe({ failureThreshold: 3, successThreshold: 2 }), startupTimeoutMs: 10_000 } },
      env: { UNREADY_FILE: unready },
    });
    track(h);
    await h.sup.start(creds('alice'));
    writeFileSync(unready, '');
    await until(() => h.proxy.live.size === 0, 5000, 'both replicas out of the proxy');
    for (const id of ['r1', 'r2']) {
      expect(h.sink.one('probe_failed', id)).toMatchObject({ probe: 'readiness', message: 'GET /ready answered 503 (expected 200-399)' });
      expect(h.sink.one('replica_removed', id).t).toBeGreaterThanOrEqual(h.sink.one('probe_failed', id).t);
    }
    expect(h.sup.counts()).toMatchObject({ ready: 0, new: 2 });
    expect(h.sup.list().map((r) => r.phase)).toEqual(['unready', 'unready']);
    unlinkSync(unready);
    await until(() => h.proxy.live.size === 2, 5000, 'both replicas back in the proxy');
    expect(h.sink.of('replica_ready')).toHaveLength(4);
    expect(h.sink.of('replica_exited')).toEqual([]); // readiness never kills
    expect(h.sup.counts()).toMatchObject({ ready: 2 });
  });

  it('a liveness failure kills the replica and the supervisor restarts it', async () => {
    const sick = join(tempDir(), 'sick');
    const liveness = probe({ check: { kind: 'httpGet', path: '/healthz', method: 'GET', headers: {}, statusMin: 200, statusMax: 399 },
      failureThreshold: 2, initialDelayMs: 500 }); // without the delay it kills the app before it listens, as the kubelet would
    const h = harness({ workload: { replicas: 1, liveness }, env: { SICK_FILE: sick } });
    track(h);
    await h.sup.start(creds('alice'));
    const firstPid = h.sup.list()[0].pid;
    writeFileSync(sick, '');
    await until(() => h.sink.of('replica_exited', 'r1').length === 1, 5000, 'r1 killed');
    unlinkSync(sick);
    await until(() => h.sink.of('replica_ready', 'r1').length === 2, 10_000, 'r1 restarted and ready');
    expect(h.sink.one('probe_failed', 'r1')).toMatchObject({ probe: 'liveness', message: 'GET /healthz answered 500 (expected 200-399)' });
    // SIGTERM (the fixture exits 0 on it): not an exit anybody asked for, so it is restarted.
    expect(h.sink.one('replica_exited', 'r1')).toMatchObject({ code: 0, signal: null, expected: false });
    expect(h.logs.join('\n')).toMatch(/replica r1 \(revision 1\) exited with code 0 \(failed its liveness probe 2 times in a row: GET \/healthz answered 500 \(expected 200-399\)\) while ready/);
    expect(h.sup.list()[0].pid).not.toBe(firstPid);
    expect(await get(h.proxy.live.get('r1')!)).toBe('alice');
  });
});
