import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKubeClient } from '../../../src/adapters/kube-client.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { LoadPlan } from '../../../src/ports/load.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { jobLoad } from '../../../src/targets/kubernetes/job-load.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { LOAD_WORKER_BUNDLE as BUNDLE, playLoadJobs } from '../../support/job-player.js';

/*
 * Load workers as a Kubernetes Job (issue 13), against the Kubernetes API double through the real
 * client-node adapter. test/support/job-player.ts plays the Job controller and the kubelet (a pod
 * per index running the real worker bundle, its stdout that pod's log). vaultctl must find the
 * pods, follow both logs and merge them into one timeline.
 */
const NS = 'vaultctl-demo';
const JOBS = `/apis/batch/v1/namespaces/${NS}/jobs`;
const CONFIGMAPS = `/api/v1/namespaces/${NS}/configmaps`;

describe('load workers as an indexed Job, read through pod logs', () => {
  let k: KubeDouble;
  let app: Server;
  let url: string;
  let stopPlayer = () => {};

  beforeEach(async () => {
    k = await startKubeDouble();
    app = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    stopPlayer();
    await new Promise<void>((r) => { app.closeAllConnections(); app.close(() => r()); });
    await k.close();
  });

  function playJobController(fail: number[] = []): void {
    const p = playLoadJobs(k, { fail });
    stopPlayer = p.stop;
  }

  async function runJob(workers: number) {
    const kube = createKubeClient({ kubeconfig: k.kubeconfig });
    const deferred: (() => Promise<void>)[] = [];
    const events: RunEvent[] = [];
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const gen = jobLoad({
      kube, namespace: NS, image: 'node:20-alpine', workers, bundle: () => readFile(BUNDLE, 'utf8'), serviceUrl: url,
      layout: { binMs: 10, latencyBinMs: 100 }, defer: (_l, fn) => { deferred.push(fn); }, log: () => {}, events: { emit: (e) => events.push(e) },
      leadMs: 1500, pollMs: 50, stallMs: 4000,
    });
    const plan: LoadPlan = { url: 'http://not-used-by-the-pods', rate: 200, connections: 4, maxInFlight: 300, keepAlive: true, durationMs: 2000,
      timeoutMs: 1000, request: { method: 'GET', path: '/', headers: {} }, success: { statusMin: 200, statusMax: 299 } };
    const fixed = await gen.prepare!(plan, { now });
    expect(fixed).toEqual({ startMs: expect.any(Number) });
    const startMs = (fixed as { startMs: number }).startMs;
    expect(startMs).toBeGreaterThanOrEqual(1500);
    await new Promise((r) => setTimeout(r, Math.max(0, startMs - now())));
    const recorder = new TimelineRecorder({ binMs: 10 });
    const summary = await gen.run(plan, recorder, { now, startMs, events: { emit: (e) => events.push(e) } });
    for (const fn of deferred) await fn();
    return { summary, recorder, events, startMs };
  }

  it('creates the ConfigMap and the Job, follows both pods\' logs and merges them into one timeline; deletes both at the end', async () => {
    playJobController();
    const { summary, recorder, events, startMs } = await runJob(2);
    expect(events).toEqual([]);
    expect(summary).toMatchObject({ scheduled: 400, workers: 2, notSent: 0 });
    const snap = recorder.snapshot();
    // Every scheduled request has one outcome, from one pod or the other, each in its own bin.
    expect(snap.requests).toBe(400);
    expect(snap.byKind.ok).toBe(400);
    const data = recorder.toData();
    const firstBin = data.ok.findIndex((n) => n > 0);
    expect(firstBin * 10).toBeGreaterThanOrEqual(startMs - 10);
    expect((data.ok.length - 1) * 10).toBeLessThan(startMs + 2000 + 10);
    // The bundle went in the ConfigMap; both are gone after the run.
    const cm = k.requests.find((r) => r.method === 'POST' && r.path === CONFIGMAPS)!.body as { data: Record<string, string> };
    expect(cm.data['worker.cjs']).toBe(await readFile(BUNDLE, 'utf8'));
    expect(k.requests.filter((r) => r.method === 'DELETE').map((r) => r.path.split('/').slice(-2, -1)[0]).sort()).toEqual(['configmaps', 'jobs']);
    // The pods' logs were followed, not a port-forward.
    expect(k.requests.filter((r) => r.path.endsWith('/log')).map((r) => r.query.get('container'))).toEqual(['load-worker', 'load-worker']);
  }, 30_000);

  it('a log stream cut while its pod runs is followed again from its last line: no worker lost, no chunk twice', async () => {
    playJobController();
    // The API server ends every follow twice during the load, as a restart or an idle timeout would.
    const cuts: number[] = [];
    const cutter = setInterval(() => { if (cuts.length < 2) { const n = k.closeLogs(NS); if (n > 0) cuts.push(n); } }, 700);
    try {
      const { summary, recorder, events } = await runJob(2);
      expect(cuts).toEqual([2, 2]);
      expect(events).toEqual([]);
      expect(summary).toMatchObject({ scheduled: 400, workers: 2, notSent: 0 });
      // Each outcome merged once: a chunk replayed by the resumed stream would count beyond the schedule.
      expect(recorder.snapshot().requests).toBe(400);
      expect(recorder.snapshot().byKind.ok).toBe(400);
    } finally {
      clearInterval(cutter);
    }
    const follows = k.requests.filter((r) => r.path.endsWith('/log'));
    expect(follows.length).toBeGreaterThanOrEqual(6);
    expect(follows.every((r) => r.query.get('timestamps') === 'true')).toBe(true);
    // Resumed from the second of the last line read, not from the log's start.
    expect(follows.filter((r) => r.query.has('sinceTime')).length).toBeGreaterThanOrEqual(4);
  }, 30_000);

  it('pod logs the API refuses (RBAC without pods/log): each worker lost, its log not asked for again', async () => {
    playJobController();
    k.forbidLogs();
    const { summary, events } = await runJob(2);
    expect(events.filter((e) => e.type === 'load_worker_lost')).toHaveLength(2);
    expect(summary).toMatchObject({ scheduled: 400, workers: 2, workersLost: 2 });
    expect(k.requests.filter((r) => r.path.endsWith('/log'))).toHaveLength(2);
  }, 30_000);

  it('a pod that fails is a lost worker: its share not_sent (worker_lost), the other merged', async () => {
    playJobController([1]);
    const { summary, recorder, events } = await runJob(2);
    expect(events).toEqual([expect.objectContaining({ type: 'load_worker_lost', worker: 2, workers: 2, reason: expect.stringContaining('failed'), notSent: 200 })]);
    expect(summary).toMatchObject({ scheduled: 400, workers: 2, workersLost: 1, limitedBy: 'worker_lost' });
    expect(recorder.snapshot().requests).toBe(400);
    expect(recorder.snapshot().byCause['not_sent:worker_lost']).toBe(200);
  }, 30_000);

  it('removes a load Job an earlier, killed run left in the namespace', async () => {
    k.put(JOBS, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'vaultctl-load-dead0001', namespace: NS,
      labels: { 'app.kubernetes.io/name': 'vaultctl-load', 'vaultctl.dev/load-run': 'dead0001' } } });
    k.put(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vaultctl-load-dead0001', namespace: NS } });
    playJobController();
    await runJob(1);
    expect(k.get(JOBS, 'vaultctl-load-dead0001')).toBeUndefined();
    expect(k.get(CONFIGMAPS, 'vaultctl-load-dead0001')).toBeUndefined();
  }, 30_000);
});
