/**
 * Plays the Job controller and the kubelet for load Jobs created in the Kubernetes API double:
 * for each index of a new Job, a pod labelled as indexed Jobs label theirs (`job-name`,
 * `batch.kubernetes.io/job-completion-index`: Kubernetes docs "Jobs", completion mode Indexed)
 * running the real worker bundle with the pod's environment; its stdout becomes the pod's log, and
 * its exit the pod's phase. `url` stands in for the cluster DNS the pods would resolve.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { LineBuffer } from '../../src/runtime/line-buffer.js';
import type { KubeDouble } from './kube-double.js';

export const LOAD_WORKER_BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'load-worker', 'bundle.cjs');

interface JobBody {
  metadata: { name: string; namespace: string };
  spec: { completions: number; template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
}

/** A running player: the Jobs it saw (their bodies) and `stop`, which also kills every worker still running. */
export interface JobPlayer {
  jobs: JobBody[];
  stop(): void;
}

export function playLoadJobs(k: KubeDouble, o: { url?: string; fail?: number[] } = {}): JobPlayer {
  const jobs: JobBody[] = [];
  const children: ChildProcess[] = [];
  const timer = setInterval(() => {
    for (const req of k.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'))) {
      const job = req.body as JobBody;
      if (jobs.some((j) => j.metadata.name === job.metadata.name)) continue;
      jobs.push(job);
      const ns = job.metadata.namespace;
      const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
      if (o.url) {
        const start = JSON.parse(env.VAULTCTL_WORKER_START) as { plan: { url: string } };
        env.VAULTCTL_WORKER_START = JSON.stringify({ ...start, plan: { ...start.plan, url: o.url } });
      }
      for (let i = 0; i < job.spec.completions; i++) {
        const name = `${job.metadata.name}-${i}-abcde`;
        const pods = `/api/v1/namespaces/${ns}/pods`;
        const pod = (phase: string) => ({ apiVersion: 'v1', kind: 'Pod',
          metadata: { name, namespace: ns, labels: { 'job-name': job.metadata.name, 'batch.kubernetes.io/job-completion-index': String(i) } },
          spec: { containers: [{ name: 'load-worker' }] }, status: { phase } });
        k.put(pods, pod('Running'));
        if (o.fail?.includes(i)) {
          k.appendLog(ns, name, 'load-worker', 'Error: out of memory');
          k.put(pods, pod('Failed'));
          continue;
        }
        const child = spawn(process.execPath, [LOAD_WORKER_BUNDLE], { env: { PATH: process.env.PATH, ...env, JOB_COMPLETION_INDEX: String(i) },
          stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(child);
        const lines = new LineBuffer('\n');
        child.stdout!.setEncoding('utf8').on('data', (t: string) => { for (const l of lines.push(t)) k.appendLog(ns, name, 'load-worker', l); });
        child.on('exit', (code) => { if (k.get(pods, name)) k.put(pods, pod(code === 0 ? 'Succeeded' : 'Failed')); });
      }
    }
  }, 20);
  return {
    jobs,
    stop: () => {
      clearInterval(timer);
      for (const c of children) c.kill('SIGKILL');
    },
  };
}
