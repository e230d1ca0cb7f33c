import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExternalError } from '../../../src/errors/errors.js';
import type { LocalSupervisor } from '../../../src/targets/local/supervisor.js';
import { alive, creds, fixtureChildren, get, harness, probe, signalLog, until, useSupervisors } from './supervisor-harness.js';

const { track, tempDir } = useSupervisors('vaultctl-sup-test-');

describe('LocalSupervisor', { timeout: 30_000 }, () => {
  it('starts replicas, then rolls them with maxSurge 1 / maxUnavailable 0 and the Kubernetes termination sequence', async () => {
    const log = join(tempDir(), 'signals.log');
    const h = track(harness({
      workload: { endpointPropagationMs: 150, preStopMs: 300 },
      env: { GRACEFUL: '1', READY_DELAY_MS: '100', SIGNAL_LOG: log },
    }));
    await h.sup.start(creds('alice'));
    expect(h.proxy.live.size).toBe(3);
    for (const port of h.proxy.live.values()) expect(await get(port)).toBe('alice');
    expect(h.sink.of('rollout_started')).toEqual([]);
    expect(h.sup.counts()).toEqual({ ready: 3, old: 0, new: 3, terminating: 0 });
    const oldPids = h.sup.list().map((r) => r.pid!);
    const afterStart = h.proxy.ops.length;

    await h.sup.rollout(creds('bob'), 'refresh');

    // The Service never had fewer than 3 ready endpoints during the rollout.
    expect(Math.min(...h.proxy.ops.slice(afterStart).map((o) => o.size))).toBeGreaterThanOrEqual(3);
    const rolloutEvents = h.sink.events.slice(h.sink.events.findIndex((e) => e.type === 'rollout_started'));
    expect(rolloutEvents[0]).toMatchObject({ type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 3 });
    expect(rolloutEvents.at(-1)).toMatchObject({ type: 'rollout_completed', revision: 2 });
    expect(h.sink.of('rollout_completed')).toHaveLength(1);

    const signals = signalLog(log);
    for (const id of ['r1', 'r2', 'r3']) {
      const terminating = h.sink.one('replica_terminating', id);
      const removed = h.sink.one('replica_removed', id);
      const exited = h.sink.one('replica_exited', id);
      expect(h.sink.events.indexOf(terminating)).toBeLessThan(h.sink.events.indexOf(removed));
      expect(removed.t - terminating.t).toBeGreaterThanOrEqual(145);
      expect(exited).toMatchObject({ revision: 1, code: 0, signal: null, expected: true });
      const pid = oldPids[Number(id.slice(1)) - 1];
      const sigterm = signals.get(pid)?.get('SIGTERM');
      expect(sigterm, `SIGTERM of ${id}`).toBeDefined();
      expect(sigterm! - terminating.t).toBeGreaterThanOrEqual(295);
      expect(exited.t).toBeGreaterThanOrEqual(sigterm!);
      expect(exited.t - terminating.t).toBeLessThan(3000);
      // A new replica was ready (and in the proxy) before this old one was asked to go.
      expect(h.sink.of('replica_ready').filter((e) => e.revision === 2 && e.t <= terminating.t).length).toBeGreaterThan(0);
    }
    for (const pid of oldPids) expect(alive(pid)).toBe(false);

    const now = h.sup.list();
    expect(now.map((r) => [r.revision, r.phase])).toEqual([[2, 'ready'], [2, 'ready'], [2, 'ready']]);
    expect([...h.proxy.live.keys()].sort()).toEqual(now.map((r) => r.id).sort());
    for (const port of h.proxy.live.values()) expect(await get(port)).toBe('bob');
    expect(h.sup.counts()).toEqual({ ready: 3, old: 0, new: 3, terminating: 0 });
    expect(JSON.stringify(h.sink.events)).not.toContain('s3cret');
  });

  it('SIGKILLs a replica that ignores SIGTERM when the grace period ends, in rollouts and in stop()', async () => {
    const log = join(tempDir(), 'signals.log');
    const h = track(harness({
      workload: { replicas: 1, terminationGracePeriodMs: 1000, preStopMs: 100, endpointPropagationMs: 50 },
      env: { GRACEFUL: '0', SIGNAL_LOG: log },
    }));
    await h.sup.start(creds('alice'));
    const [first] = h.sup.list();
    await h.sup.rollout(creds('bob'), 'at');
    const terminating = h.sink.one('replica_terminating', 'r1');
    const exited = h.sink.one('replica_exited', 'r1');
    expect(exited).toMatchObject({ signal: 'SIGKILL', expected: true });
    expect(exited.t - terminating.t).toBeGreaterThanOrEqual(995);
    expect(exited.t - terminating.t).toBeLessThan(2500);
    const sigterm = signalLog(log).get(first.pid!)?.get('SIGTERM');
    expect(sigterm! - terminating.t).toBeGreaterThanOrEqual(95);
    expect(sigterm! - terminating.t).toBeLessThan(900);

    const t0 = Date.now();
    await h.sup.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(h.sink.one('replica_exited', 'r2')).toMatchObject({ signal: 'SIGKILL', expected: true });
  });

  it('a newer rollout supersedes a running one; both complete when the newest does', async () => {
    const h = track(harness({ workload: { replicas: 2 }, env: { READY_DELAY_MS: '300' } }));
    await h.sup.start(creds('alice'));
    const first = h.sup.rollout(creds('bob'), 'refresh');
    await until(() => h.sink.of('replica_started').some((e) => e.revision === 2), 5000, 'a revision-2 replica');
    const second = h.sup.rollout(creds('carol'), 'at');
    await Promise.all([first, second]);
    // Revision 2 was cut short: each of its replicas was terminated.
    const rev2 = [...new Set(h.sink.of('replica_started').filter((e) => e.revision === 2).map((e) => e.replica))];
    for (const id of rev2) expect(h.sink.one('replica_terminating', id).revision).toBe(2);
    const tail = h.sink.events.slice(-2);
    expect(tail).toMatchObject([{ type: 'rollout_completed', revision: 2 }, { type: 'rollout_completed', revision: 3 }]);
    expect(h.sup.list().map((r) => r.revision)).toEqual([3, 3]);
    for (const port of h.proxy.live.values()) expect(await get(port)).toBe('carol');
  });

  it('reload() with via: file re-renders the file and SIGHUPs the replicas, which answer as the new user', async () => {
    const h = track(harness({ workload: { replicas: 2 }, via: 'file' }));
    await h.sup.start(creds('alice'));
    const file = h.sup.credentialsFile()!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const pids = h.sup.list().map((r) => r.pid);
    expect(await h.sup.reload(creds('bob'))).toBe(2);
    await until(async () => (await Promise.all([...h.proxy.live.values()].map((p) => get(p)))).every((u) => u === 'bob'),
      5000, 'replicas answering bob');
    expect(h.sup.list().map((r) => r.pid)).toEqual(pids);
    expect(h.sink.of('credentials_reloaded')).toMatchObject([{ leaseId: 'lease-bob', replicas: 2 }]);
    expect(h.sink.of('replica_exited')).toEqual([]);
  });

  it('reload() without the signal (agent-template reread) re-renders the file and leaves the replicas alone', async () => {
    const h = track(harness({ workload: { replicas: 2 }, via: 'file' }));
    await h.sup.start(creds('alice'));
    expect(await h.sup.reload(creds('bob'), false)).toBe(0);
    expect(JSON.parse(readFileSync(h.sup.credentialsFile()!, 'utf8')).username).toBe('bob');
    // A SIGHUP is handled before the next request on the replica's event loop: still alice means none came.
    expect(await Promise.all([...h.proxy.live.values()].map((p) => get(p)))).toEqual(['alice', 'alice']);
    expect(h.sink.of('credentials_reloaded')).toEqual([]);
  });

  it('reload() with via: env is a programming error', async () => {
    const h = track(harness({ workload: { replicas: 1 } }));
    await h.sup.start(creds('alice'));
    await expect(h.sup.reload(creds('bob'))).rejects.toThrow(/via: file/);
  });

  it('a replica that crashes at start fails start() with its output, and no child is left', async () => {
    const marker = join(tempDir(), 'crashed');
    const h = track(harness({ env: { CRASH_FIRST: marker, READY_DELAY_MS: '2000' } }));
    const err = await h.sup.start(creds('alice')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).message).toMatch(/^replica r[123] exited with code 1 before it was ready$/);
    expect((err as ExternalError).output).toContain('FATAL cannot connect to the database as alice');
    // The app printed its password; registered secrets never leave in an error.
    expect((err as ExternalError).output).toContain('password ***');
    expect((err as ExternalError).output).not.toContain('s3cret');
    expect((err as ExternalError).hint).toMatch(/workload\.command/);
    expect(h.sup.list()).toEqual([]);
    expect(fixtureChildren()).toEqual([]);
    expect(h.proxy.live.size).toBe(0);
  });

  it('a rollout whose new replicas keep crashing is abandoned at progressDeadline; the old replicas keep serving', async () => {
    const h = track(harness({ workload: { replicas: 2, progressDeadlineMs: 1500 }, env: { CRASH_IF_USER: 'mallory' } }));
    await h.sup.start(creds('alice'));
    const t0 = Date.now();
    const err = await h.sup.rollout(creds('mallory'), 'refresh').catch((e: unknown) => e);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1450);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).message).toMatch(/^rollout to revision 2 made no progress within workload\.progressDeadline \(1\.5s\) and was abandoned; last failure: replica r\d exited with code 1 before it was ready$/);
    expect((err as ExternalError).output).toContain('FATAL');
    expect((err as ExternalError).output).not.toContain('s3cret');
    // It was restarted, with back-off, until the deadline, not given up at the first crash.
    const rev2 = h.sink.of('replica_started').filter((e) => e.revision === 2);
    expect(rev2.length).toBeGreaterThanOrEqual(3);
    expect(new Set(rev2.map((e) => e.replica)).size).toBe(1);
    expect(h.logs.join('\n')).toMatch(/restarting replica r3 \(revision 2\) in 0\.2s \(back-off\)/);
    expect(h.sink.of('rollout_completed')).toEqual([]);
    expect([...h.proxy.live.keys()].sort()).toEqual(['r1', 'r2']);
    for (const port of h.proxy.live.values()) expect(await get(port)).toBe('alice');
    await until(() => h.sup.list().every((r) => r.revision === 1), 5000, 'only revision 1 left');
  });

  it('a replica that is never ready is killed at startupTimeoutMs', async () => {
    const h = track(harness({ workload: { replicas: 1, readiness: { ...probe(), startupTimeoutMs: 500 } },
      env: { READY_DELAY_MS: '60000' } }));
    const err = await h.sup.start(creds('alice')).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^replica r1 was not ready within 0.5s/);
    expect(h.sink.one('replica_exited', 'r1')).toMatchObject({ signal: 'SIGKILL', expected: true });
  });

  it('a command that cannot be spawned fails start()', async () => {
    const h = track(harness({ workload: { replicas: 1 }, command: ['/nonexistent/vaultctl-app'] }));
    const err = await h.sup.start(creds('alice')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as Error).message).toMatch(/^replica r1 could not be started: .*ENOENT/);
  });

  it('stop() leaves no child process, removes the credentials directory and is idempotent', async () => {
    const h = track(harness({ workload: { replicas: 2, preStopMs: 5000, endpointPropagationMs: 5000 }, via: 'file' }));
    await h.sup.start(creds('alice'));
    const dir = join(h.sup.credentialsFile()!, '..');
    const pids = h.sup.list().map((r) => r.pid!);
    const t0 = Date.now();
    await Promise.all([h.sup.stop(), h.sup.stop()]);
    expect(Date.now() - t0).toBeLessThan(2000); // no preStop or propagation waits on shutdown
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(fixtureChildren()).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(h.proxy.live.size).toBe(0);
    await h.sup.stop();
  });

  it('a ready replica killed from outside is restarted with the same id and revision', async () => {
    const h = track(harness({ workload: { replicas: 2 } }));
    await h.sup.start(creds('alice'));
    const victim = h.sup.list().find((r) => r.id === 'r1')!;
    process.kill(victim.pid!, 'SIGKILL');
    await until(() => h.sink.of('replica_ready', 'r1').length === 2, 10_000, 'r1 ready again');
    expect(h.sink.one('replica_exited', 'r1')).toMatchObject({ signal: 'SIGKILL', expected: false, revision: 1 });
    expect(h.sink.of('replica_started', 'r1').map((e) => e.revision)).toEqual([1, 1]);
    expect(h.logs.join('\n')).toMatch(/replica r1 \(revision 1\) was killed by SIGKILL while ready/);
    const again = h.sup.list().find((r) => r.id === 'r1')!;
    expect(again.pid).not.toBe(victim.pid);
    expect(await get(h.proxy.live.get('r1')!)).toBe('alice');
    expect(h.proxy.live.size).toBe(2);
  });

  it('replicas die with the vaultctl process even when stop() never runs (exit hook)', async () => {
    const script = fileURLToPath(new URL('../../fixtures/apps/orphan-parent.mts', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 }, (err, out) => (err ? reject(err) : resolve(out))));
    const pids = JSON.parse(stdout.trim().split('\n').pop()!) as number[];
    expect(pids).toHaveLength(2);
    await until(() => pids.every((p) => !alive(p)), 5000, 'orphans to die');
  });
});
