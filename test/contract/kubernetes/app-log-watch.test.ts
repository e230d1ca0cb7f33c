import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../../src/adapters/kube-client.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { startAppLogWatch, type AppLogWatch } from '../../../src/targets/kubernetes/app-log-watch.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { NS, PODS, pod } from '../../support/kube-objects.js';

/** The app container's name (src/stack/manifests/demo-app.ts). */
const APP = 'demo-app';

/** A demo-app pod as the API server reports it, with the app container's status. */
function appPod(name: string, o: { running?: boolean; restarts?: number; exitCode?: number } = {}) {
  const p = pod(name, 'demo-app-r1', 'h1', o.running !== false);
  return {
    ...p, metadata: { ...p.metadata, uid: `${name}-uid` },
    status: { ...p.status, containerStatuses: [{
      name: APP, restartCount: o.restarts ?? 0,
      state: o.running === false ? { waiting: { reason: 'ContainerCreating' } } : { running: { startedAt: '2026-11-30T12:00:00Z' } },
      ...(o.exitCode !== undefined ? { lastState: { terminated: { exitCode: o.exitCode, reason: 'Error' } } } : {}),
    }] },
  };
}

/** A line as src/demo-app/server.ts log() writes it. */
const appLine = (event: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ ts: '2026-11-30T12:00:00.000Z', event, pid: 7, ...fields });

/** The app-log watch over the real adapter (client-node credentials, node:http stream) against the Kubernetes API double. */
describe('startAppLogWatch against the Kubernetes API double', () => {
  let k: KubeDouble;
  let watch: AppLogWatch | undefined;
  let events: RunEvent[];
  const t0 = Date.now();

  beforeEach(async () => {
    k = await startKubeDouble();
    events = [];
  });
  afterEach(async () => {
    await watch?.stop();
    watch = undefined;
    await k.close();
  });

  const start = async (sleep?: (ms: number, signal: AbortSignal) => Promise<void>) => {
    watch = startAppLogWatch({
      kube: createKubeClient({ kubeconfig: k.kubeconfig }), namespace: NS, labelSelector: 'app.kubernetes.io/name=demo-app',
      container: APP, events: { emit: (e) => events.push(e) }, now: () => Date.now() - t0, signal: new AbortController().signal,
      log: () => {}, backoff: { initialMs: 20, maxMs: 200 }, ...(sleep ? { sleep } : {}),
    });
    await watch.ready;
  };
  const reloads = () => events.flatMap((e) => (e.type === 'credentials_reloaded' ? [`${e.replica}:${e.username}`] : []));
  const logRequests = (name: string) => k.requests.filter((r) => r.path === `${PODS}/${name}/log`);

  it('reports a running pod\'s reloads from now on, not its old lines; other events are ignored, a failed reload is a warning', async () => {
    k.put(PODS, appPod('p1'));
    k.appendLog(NS, 'p1', APP, appLine('reloaded', { username: 'v-old' }));
    await start();
    await until(() => k.openLogs(NS, 'p1') === 1);
    expect(Object.fromEntries(logRequests('p1')[0].query)).toEqual({ container: APP, follow: 'true', tailLines: '0', timestamps: 'true' });

    k.appendLog(NS, 'p1', APP, appLine('ready'));
    k.appendLog(NS, 'p1', APP, 'not json at all');
    k.appendLog(NS, 'p1', APP, appLine('reload_failed', { message: 'Unexpected token \'p\', "{"username":"v-x","password":"s3cret" is not valid JSON' }));
    k.appendLog(NS, 'p1', APP, appLine('reloaded', { username: 'v-kube-app-2' }));
    await until(() => reloads().length === 1);
    expect(events).toEqual([
      { t: expect.any(Number), type: 'warning', message: expect.stringMatching(/^pod p1: .*is not valid JSON$/) },
      { t: expect.any(Number), type: 'credentials_reloaded', leaseId: '', replicas: 1, replica: 'p1', username: 'v-kube-app-2' },
    ]);
    expect(JSON.stringify(events)).not.toContain('s3cret');
  });

  it('a log the API refuses (RBAC without pods/log) is one warning in the run, not only a progress line', async () => {
    k.forbidLogs();
    k.put(PODS, appPod('p1'));
    k.put(PODS, appPod('p2'));
    await start();
    await until(() => logRequests('p1').length >= 2 && logRequests('p2').length >= 2);
    expect(events).toEqual([{ t: expect.any(Number), type: 'warning',
      message: expect.stringMatching(/^the app's log cannot be read \(.*forbidden.*pods\/log.*\): reloads in place are not observed$/) }]);
  });

  it('reads a pod added later from its first line, once its app container runs', async () => {
    await start();
    k.put(PODS, appPod('p2', { running: false }));
    k.appendLog(NS, 'p2', APP, appLine('reloaded', { username: 'v-first' }));
    k.put(PODS, appPod('p2'));
    await until(() => reloads().length === 1);
    expect(reloads()).toEqual(['p2:v-first']);
    // No follow while it was waiting; the first one asks for the whole log.
    expect(Object.fromEntries(logRequests('p2')[0].query)).toEqual({ container: APP, follow: 'true', timestamps: 'true' });
  });

  it('follows again after the server closes the stream, without repeating a line (two lines in one nanosecond included)', async () => {
    k.put(PODS, appPod('p1'));
    await start();
    await until(() => k.openLogs(NS, 'p1') === 1);
    const at = Date.now();
    k.appendLog(NS, 'p1', APP, appLine('reloaded', { username: 'u1' }), at);
    k.appendLog(NS, 'p1', APP, appLine('reloaded', { username: 'u2' }), at);
    await until(() => reloads().length === 2);

    expect(k.closeLogs(NS, 'p1')).toBe(1);
    await until(() => logRequests('p1').length === 2 && k.openLogs(NS, 'p1') === 1);
    const resumed = logRequests('p1')[1].query;
    expect(resumed.get('sinceTime')).toBe(`${new Date(at).toISOString().slice(0, 19)}Z`);
    expect(resumed.get('tailLines')).toBeNull();
    // The resumed stream replays u1 and u2 (same second); a third line with their very timestamp is new.
    k.appendLog(NS, 'p1', APP, appLine('reloaded', { username: 'u3' }), at);
    k.appendLog(NS, 'p1', APP, appLine('reloaded', { username: 'u4' }), at + 1);
    await until(() => reloads().length >= 4);
    expect(reloads()).toEqual(['p1:u1', 'p1:u2', 'p1:u3', 'p1:u4']);
  });

  it('stops following a deleted pod, and stop() ends every stream', async () => {
    k.put(PODS, appPod('p1'));
    k.put(PODS, appPod('p2'));
    // Back-offs last until aborted: a follow that ended waits for the pod's deletion (or stop) to end it.
    await start((_ms, signal) => new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true })));
    await until(() => k.openLogs(NS, 'p1') === 1 && k.openLogs(NS, 'p2') === 1);
    k.remove(PODS, 'p1');
    // A pod added after the deletion is a sync point: its follow opens once the DELETED event was handled.
    k.put(PODS, appPod('p3'));
    await until(() => k.openLogs(NS, 'p3') === 1);
    const after = k.requests.indexOf(logRequests('p3')[0]);
    expect(k.openLogs(NS, 'p1')).toBe(0);
    expect(logRequests('p1').filter((r) => k.requests.indexOf(r) > after)).toEqual([]);
    // p1's follow, waiting to be resumed, was ended by the deletion.
    await until(() => watch!.following() === 2);

    await watch!.stop();
    expect(watch!.following()).toBe(0);
    // Every connection closed: the double sees no follow left, and its close (afterEach) resolves.
    await until(() => k.openLogs() === 0);
  });

  it('reports an app container restart as replica_exited and reads the new instance from its start', async () => {
    k.put(PODS, appPod('p1'));
    await start();
    await until(() => k.openLogs(NS, 'p1') === 1);
    // The double ends the old instance's follow and starts an empty log when restartCount grows.
    k.put(PODS, appPod('p1', { restarts: 1, exitCode: 137 }));
    k.appendLog(NS, 'p1', APP, appLine('reloaded', { username: 'v-after-restart' }));
    await until(() => reloads().length === 1);
    expect(events.find((e) => e.type === 'replica_exited')).toEqual(
      { t: expect.any(Number), type: 'replica_exited', replica: 'p1', revision: 0, code: 137, signal: null, expected: false });
    expect(reloads()).toEqual(['p1:v-after-restart']);
  });
});

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
