import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createKubeClient } from '../../../src/adapters/kube-client.js';
import { LineBuffer } from '../../../src/load/worker-protocol.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { LoadPlan } from '../../../src/ports/load.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { jobLoad } from '../../../src/targets/kubernetes/job-load.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { repoRoot } from '../../support/cli-harness.js';

/*
 * Load workers as a Kubernetes Job (issue 13), against the Kubernetes API double through the real
 * client-node adapter. The test plays the Job controller and the kubelet: for each index of a new
 * Job it adds a pod (labels `job-name`, `batch.kubernetes.io/job-completion-index`, as indexed Jobs
 * label their pods: Kubernetes docs "Jobs", completion mode Indexed) and runs the real worker
 * bundle with the pod's environment, its stdout becoming that pod's log. vaultctl must find the
 * pods, follow both logs and merge them into one timeline.
 */
const NS = 'vaultctl-demo';
const JOBS = `/apis/batch/v1/namespaces/${NS}/jobs`;
const PODS = `/api/v1/namespaces/${NS}/pods`;
const CONFIGMAPS = `/api/v1/namespaces/${NS}/configmaps`;
const BUNDLE = join(repoRoot, 'dist', 'load-worker', 'bundle.cjs');

describe('load workers as an indexed Job, read through pod logs', () => {
  let k: KubeDouble;
  let app: Server;
  let url: string;
  const children: ChildProcess[] = [];
  let player: NodeJS.Timeout | undefined;

  beforeEach(async () => {
    k = await startKubeDouble();
    app = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    clearInterval(player);
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await new Promise<void>((r) => { app.closeAllConnections(); app.close(() => r()); });
    await k.close();
  });

  /** The Job controller and kubelet: each index's pod runs the worker bundle with the Job's env; `fail` indexes die at once. */
  function playJobController(fail: number[] = []): void {
    const seen = new Set<string>();
    player = setInterval(() => {
      for (const req of k.requests.filter((r) => r.method === 'POST' && r.path === JOBS)) {
        const job = req.body as { metadata: { name: string }; spec: { completions: number; template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } };
        if (seen.has(job.metadata.name)) continue;
        seen.add(job.metadata.name);
        const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
        for (let i = 0; i < job.spec.completions; i++) {
          const name = `${job.metadata.name}-${i}-abcde`;
          const pod = (phase: string) => ({ apiVersion: 'v1', kind: 'Pod',
            metadata: { name, namespace: NS, labels: { 'job-name': job.metadata.name, 'batch.kubernetes.io/job-completion-index': String(i) } },
            spec: { containers: [{ name: 'load-worker' }] }, status: { phase } });
          k.put(PODS, pod('Running'));
          if (fail.includes(i)) {
            k.appendLog(NS, name, 'load-worker', 'Error: out of memory');
            k.put(PODS, pod('Failed'));
            continue;
          }
          const child = spawn(process.execPath, [BUNDLE], { env: { PATH: process.env.PATH, ...env, JOB_COMPLETION_INDEX: String(i) }, stdio: ['ignore', 'pipe', 'inherit'] });
          children.push(child);
          const lines = new LineBuffer();
          child.stdout!.setEncoding('utf8').on('data', (t: string) => lines.push(t, (l) => k.appendLog(NS, name, 'load-worker', l)));
          child.on('exit', (code) => k.put(PODS, pod(code === 0 ? 'Succeeded' : 'Failed')));
        }
      }
    }, 20);
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
