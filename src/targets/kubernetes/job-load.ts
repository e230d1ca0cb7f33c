import { randomBytes } from 'node:crypto';
import { mergeWorkers, waiter, workerPlan, type WorkerLink } from '../../load/worker-merge.js';
import { epochNow as epoch, type WorkerMessage, type WorkerStart } from '../../load/worker-protocol.js';
import type { EventSink } from '../../ports/events.js';
import type { LoadGenerator } from '../../ports/load.js';
import { KubeApiError, type KubeApi, type KubePod } from '../../ports/kube.js';
import { LOAD_RUN_LABEL, LOAD_WORKER_CONTAINER, loadWorkerConfigMap, loadWorkerJob, type LoadJobSpec } from './load-job.js';
import { abortableSleep } from '../../runtime/timers.js';
import { followFromCursor, LogCursor } from './log-cursor.js';

/** What the load Job of a run needs. */
export interface JobLoadOptions {
  kube: KubeApi;
  namespace: string;
  /** The app's stock node image (the lab config's `app.image`). */
  image: string;
  workers: number;
  /** The worker bundle's text (dist/load-worker/bundle.cjs). */
  bundle(): Promise<string>;
  /** The app's Service as pods reach it: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
  serviceUrl: string;
  /** The recorder's bins, which the workers bin by (checked against the sink at run). */
  layout: { binMs: number; latencyBinMs: number };
  /** Deletes the Job and its ConfigMap on every exit path of the run (registered before they are created). */
  defer(label: string, fn: () => Promise<void>): void;
  log(line: string): void;
  events: EventSink;
  /** Job creation → start instant: time for the pods to be scheduled and started; default 30 s. */
  leadMs?: number;
  flushMs?: number;
  stallMs?: number;
  pollMs?: number;
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/** A worker pod: its link, fed by its log. */
interface PodWorker extends WorkerLink {
  pod?: string;
  /** The pod's phase at the last poll. */
  phase?: string;
  /** Its `done` line came: the log has nothing more to say. */
  said?: boolean;
  end?: string;
}

/** A chunk stamped this much later than it arrived says the pod's clock runs ahead of vaultctl's. */
const SKEW_WARNING_MS = 50;

/**
 * Load workers as an indexed Job in the app's namespace (load-job.ts): `prepare` removes load Jobs
 * an earlier, killed run left, creates this run's ConfigMap and Job with the start instant `leadMs`
 * ahead (pods cannot be told later: they have no stdin, only their environment) and returns it; `run`
 * finds each index's pod, follows its log from the start and merges the workers' binned outcomes
 * (src/load/worker-merge.ts). The pods' clocks are the nodes' (NTP); a chunk stamped after its own
 * arrival shows one ahead, and is a warning. A lost pod cannot be stopped without the Job replacing
 * it, so its later lines are ignored and the Job's deadline ends it.
 */
export function jobLoad(o: JobLoadOptions): LoadGenerator {
  const runId = randomBytes(4).toString('hex');
  const name = `vaultctl-load-${runId}`;
  const sleep = o.sleep ?? abortableSleep;
  let prepared: { startMs: number } | undefined;

  return {
    async prepare(plan, opts) {
      if (plan.rate === 'max') throw new Error('load.workers needs a fixed rate');
      await removeLeftovers(o, runId);
      const lead = o.leadMs ?? 30_000;
      const startMs = Math.ceil((opts.now() + lead) / o.layout.binMs) * o.layout.binMs;
      const start: WorkerStart = {
        plan: workerPlan({ ...plan, url: o.serviceUrl }, o.workers), part: { index: 0, of: o.workers },
        startMs, zeroEpoch: epoch() - opts.now(), layout: o.layout, flushMs: o.flushMs ?? 200,
      };
      const spec: LoadJobSpec = { name, namespace: o.namespace, runId, image: o.image, workers: o.workers, bundle: await o.bundle(), start,
        activeDeadlineSeconds: Math.ceil((lead + plan.durationMs + plan.timeoutMs) / 1000) + 120 };
      o.defer(`delete the load Job ${name}`, () => deleteLoadObjects(o, name));
      await o.kube.createConfigMap(o.namespace, loadWorkerConfigMap(spec));
      await o.kube.createJob(o.namespace, loadWorkerJob(spec));
      o.log(`load Job ${name}: ${o.workers} pods send to ${o.serviceUrl}, starting in ${Math.round(lead / 1000)}s`);
      prepared = { startMs };
      return { startMs };
    },
    async run(plan, sink, opts) {
      const merge = sink.merge?.bind(sink);
      const layout = sink.binLayout;
      if (!merge || !layout) throw new Error('load workers send binned outcomes: the sink must merge them');
      if (layout.binMs !== o.layout.binMs || layout.latencyBinMs !== o.layout.latencyBinMs) throw new Error('the load Job bins differently from the recorder');
      if (!prepared) throw new Error('the load Job was not prepared');
      const startMs = prepared.startMs;
      const stop = new AbortController();
      const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
      const links: PodWorker[] = Array.from({ length: o.workers }, (_, index) => podWorker(index, startMs));
      let skewWarned = false;
      const onLine = (w: PodWorker, line: string) => {
        let m: WorkerMessage;
        try {
          m = JSON.parse(line) as WorkerMessage;
        } catch {
          return;
        }
        if (w.end !== undefined) return;
        if (m.w === 'done') w.said = true;
        const t = opts.now();
        if (m.w === 'chunk' && m.t - t > SKEW_WARNING_MS && !skewWarned) {
          skewWarned = true;
          o.events.emit({ t, type: 'warning', message: `load worker ${w.index + 1}'s clock runs at least ${Math.round(m.t - t)}ms ahead of vaultctl's: its outcomes' times are shifted by as much` });
        }
        w.lastWordAt = t;
        w.messages.push(m);
        w.wake();
      };
      const watching = watchPods(o, name, links, onLine, signal, sleep);
      try {
        return await mergeWorkers(links, { plan, startMs, sink, merge, now: opts.now, signal: opts.signal, events: opts.events ?? o.events,
          stallMs: o.stallMs ?? 10_000 });
      } finally {
        stop.abort();
        await watching;
      }
    },
  };
}

function podWorker(index: number, startMs: number): PodWorker {
  const wait = waiter();
  const w: PodWorker = {
    index, messages: [], lastWordAt: startMs, next: wait.next, wake: wait.wake,
    ended: () => w.end,
    // Deleting the pod would only make the Job start another: its lines are ignored from now on.
    kill: () => { w.end ??= 'stalled'; },
  };
  return w;
}

/** The completion index of a Job pod (the label indexed Jobs set since Kubernetes 1.28, else the annotation). */
function indexOf(pod: KubePod): number | undefined {
  const key = 'batch.kubernetes.io/job-completion-index';
  const v = pod.metadata.labels?.[key] ?? pod.metadata.annotations?.[key];
  return v === undefined ? undefined : Number(v);
}

/** Polls the Job's pods; follows each index's first pod's log from its beginning; marks failed or vanished pods. */
async function watchPods(o: JobLoadOptions, job: string, links: PodWorker[], onLine: (w: PodWorker, line: string) => void,
  signal: AbortSignal, sleep: (ms: number, s: AbortSignal) => Promise<void>): Promise<void> {
  const follows: Promise<void>[] = [];
  while (!signal.aborted && links.some((w) => w.end === undefined)) {
    try {
      const pods = (await o.kube.listPods(o.namespace, `job-name=${job}`)).items;
      for (const pod of pods) {
        const i = indexOf(pod);
        const w = i === undefined ? undefined : links[i];
        if (!w || (w.pod !== undefined && w.pod !== pod.metadata.name)) continue;
        w.phase = pod.status?.phase;
        if (w.pod === undefined && (pod.status?.phase === 'Running' || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')) {
          w.pod = pod.metadata.name;
          follows.push(follow(o, w, (line) => onLine(w, line), signal, sleep));
        }
        if (pod.status?.phase === 'Failed' && w.end === undefined) {
          w.end = `pod ${pod.metadata.name} failed`;
          w.wake();
        }
      }
      for (const w of links) {
        if (w.pod !== undefined && w.end === undefined && !pods.some((p) => p.metadata.name === w.pod)) {
          w.end = `pod ${w.pod} was deleted`;
          w.wake();
        }
      }
    } catch (err) {
      o.log(`listing the load Job's pods failed (${err instanceof Error ? err.message : String(err)}); retrying`);
    }
    await sleep(o.pollMs ?? 500, signal);
  }
  await Promise.allSettled(follows);
}

/**
 * Follows one pod's worker log from its first line. A stream that ends while the pod still runs
 * and before its `done` line was cut (an API server or kubelet restart, a proxy's idle timeout): it
 * is followed again from the last line read (log-cursor.ts: each line delivered once),
 * so a healthy worker is never lost to a cut stream. Once the pod has finished, the stream of its
 * whole log ends for good; without `done` the worker said all it will say.
 */
async function follow(o: JobLoadOptions, w: PodWorker, onLine: (line: string) => void, signal: AbortSignal,
  sleep: (ms: number, s: AbortSignal) => Promise<void>): Promise<void> {
  const cursor = new LogCursor();
  for (;;) {
    // Read before the follow: a pod seen finished before it began has its whole log in this stream.
    const finished = w.phase === 'Succeeded' || w.phase === 'Failed';
    try {
      await followFromCursor(o.kube, { namespace: o.namespace, pod: w.pod!, container: LOAD_WORKER_CONTAINER }, cursor, { signal }, onLine);
    } catch (err) {
      if (signal.aborted) return;
      // Gone (404) or refused (RBAC without pods/log): following again would not help.
      if (err instanceof KubeApiError && [401, 403, 404].includes(err.status ?? 0)) {
        if (err.status !== 404) o.log(`the log of load pod ${w.pod} cannot be read (${err.message})`);
        break;
      }
      o.log(`the log of load pod ${w.pod} ended (${(err as Error).message})`);
    }
    if (signal.aborted || w.said || w.end !== undefined || finished) break;
    o.log(`the log of load pod ${w.pod} was cut while it runs; following it again from its last line`);
    await sleep(RESUME_MS, signal);
  }
  if (!signal.aborted && w.end === undefined) {
    // A `done` line, if it came, is already queued: the merge reads it before it checks `ended`.
    w.end = `pod ${w.pod}'s log ended`;
    w.wake();
  }
}

/** The wait before following a cut log again (the pods' poll tells meanwhile whether the pod finished). */
const RESUME_MS = 200;

/** Deletes load Jobs (and their ConfigMaps) of other runs in the namespace: what a killed vaultctl left. */
async function removeLeftovers(o: JobLoadOptions, runId: string): Promise<void> {
  const jobs = (await o.kube.listJobs(o.namespace, 'app.kubernetes.io/name=vaultctl-load')).items
    .filter((j) => j.metadata.labels?.[LOAD_RUN_LABEL] !== runId);
  for (const j of jobs) {
    await deleteLoadObjects(o, j.metadata.name);
    o.log(`removed load Job ${j.metadata.name}, left by an earlier run that did not end cleanly`);
  }
}

/** A run's load Job (its pods go with it) and the ConfigMap of the same name; either already gone is fine. */
async function deleteLoadObjects(o: JobLoadOptions, name: string): Promise<void> {
  await o.kube.deleteJob(o.namespace, name);
  await o.kube.deleteConfigMap(o.namespace, name);
}
