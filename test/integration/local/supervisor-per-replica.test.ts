import { describe, expect, it } from 'vitest';
import type { PerReplicaIssuer } from '../../../src/targets/local/replica-credentials.js';
import { creds, get, harness, until, useSupervisors } from './supervisor-harness.js';

// Per-replica credentials (csi, vault-env): each replica start gets its own from the issuer, and a
// replica restarts in place (vault-env) without a surge or a rollout.
const { track } = useSupervisors('vaultctl-per-replica-');

/** An issuer that numbers its users and records which replica asked. */
function countingIssuer(): PerReplicaIssuer & { asked: string[] } {
  const asked: string[] = [];
  return { asked, issue: async (id) => { asked.push(id); return creds(`u${asked.length}`); } };
}

describe('LocalSupervisor per-replica credentials', { timeout: 30_000 }, () => {
  it('gives each replica its own credentials at start (env), and issues again at a restart in place', async () => {
    const issuer = countingIssuer();
    const h = track(harness({ workload: { replicas: 3 }, perReplica: issuer, env: { GRACEFUL: '1' } }));
    await h.sup.start();
    expect(issuer.asked.sort()).toEqual(['r1', 'r2', 'r3']);
    const users = await Promise.all(['r1', 'r2', 'r3'].map((id) => get(h.proxy.live.get(id)!)));
    expect(new Set(users).size).toBe(3);
    expect(h.sup.replicaCredentials('r2')?.username).toBe(users[1]);

    const port = h.proxy.live.get('r2')!;
    expect(h.sup.restartInPlace('r2', { killAfterMs: 2000, delayMs: 0, reason: 'test: lease watcher returned' })).toBe(true);
    await until(() => h.sink.of('replica_ready', 'r2').length === 2, 10_000, 'r2 ready again');
    // Same replica id and revision, a new process with a new user; no rollout, no surge.
    const exited = h.sink.one('replica_exited', 'r2');
    expect(exited).toMatchObject({ expected: true, revision: 1, code: 0 });
    expect(issuer.asked).toEqual([...issuer.asked.slice(0, 3), 'r2']);
    const again = await get(h.proxy.live.get('r2')!);
    expect(again).toBe('u4');
    expect(h.proxy.live.get('r2')).not.toBe(port);
    expect(h.sink.of('rollout_started')).toEqual([]);
    expect(h.sink.of('replica_started').map((e) => e.replica).sort()).toEqual(['r1', 'r2', 'r2', 'r3']);
    expect(Math.max(...h.proxy.ops.map((o) => o.size))).toBe(3);
    expect(h.logs.some((l) => l.includes('restarting it in place'))).toBe(true);
  });

  it('SIGKILLs an app that ignores SIGTERM after killAfterMs, then restarts it in place', async () => {
    const issuer = countingIssuer();
    const h = track(harness({ workload: { replicas: 1 }, perReplica: issuer, env: { GRACEFUL: '0' } }));
    await h.sup.start();
    const t0 = Date.now();
    h.sup.restartInPlace('r1', { killAfterMs: 400, delayMs: 0, reason: 'test' });
    await until(() => h.sink.of('replica_ready', 'r1').length === 2, 10_000, 'r1 ready again');
    const exited = h.sink.one('replica_exited', 'r1');
    expect(exited.signal).toBe('SIGKILL');
    expect(exited.t - t0).toBeGreaterThanOrEqual(390);
    expect(await get(h.proxy.live.get('r1')!)).toBe('u2');
  });

  it('with via: file, each replica reads its own file, updated in place for one replica only', async () => {
    const issuer = countingIssuer();
    const h = track(harness({ workload: { replicas: 2 }, via: 'file', perReplica: issuer }));
    await h.sup.start();
    const before = await Promise.all(['r1', 'r2'].map((id) => get(h.proxy.live.get(id)!)));
    expect(new Set(before).size).toBe(2);
    expect(h.sup.updateReplicaCredentials('r1', creds('polled'), true)).toBe(true);
    await until(async () => (await get(h.proxy.live.get('r1')!)) === 'polled', 5000, 'r1 re-read its file');
    expect(await get(h.proxy.live.get('r2')!)).toBe(before[1]);
    expect(h.sink.of('credentials_reloaded')).toMatchObject([{ leaseId: 'lease-polled', replicas: 1 }]);
  });

  it('spreads the first starts over startSpreadMs', async () => {
    const h = track(harness({ workload: { replicas: 3 }, perReplica: countingIssuer(), startSpreadMs: 900 }));
    await h.sup.start();
    const starts = ['r1', 'r2', 'r3'].map((id) => h.sink.one('replica_started', id).t);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(250);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(250);
  });
});
