/**
 * The pod log endpoint of the Kubernetes API double: `GET /api/v1/namespaces/<ns>/pods/<pod>/log`
 * over a scripted log per pod and container. Parameters as documented for "read log of the
 * specified Pod" (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#get-read-log-of-the-specified-pod):
 * `container`, `follow`, `tailLines`, `sinceSeconds`, `sinceTime`, `timestamps`. Semantics as the
 * kubelet applies them (kubernetes/kubernetes pkg/kubelet/kuberuntime/logs/logs.go, read at
 * 04791b49): `tailLines` picks the last N lines of the file first, then lines older than `since`
 * are skipped (`msg.timestamp.Before(since)`: a line at exactly `since` is kept), where `since` is
 * the later of now − sinceSeconds and sinceTime; `timestamps=true` prefixes each line with its
 * RFC3339Nano time (fixed 9 digits) and a space; a follow ends when the container stops. The API
 * server passes `sinceTime` on at whole seconds (pkg/registry/core/pod/strategy.go LogLocation:
 * `opts.SinceTime.Format(time.RFC3339)`, read at 008b3652), so the double truncates it too.
 */
import type { ServerResponse } from 'node:http';

type Pod = { metadata: { name: string }; spec?: { containers?: { name: string }[]; initContainers?: { name: string }[] }; [k: string]: any };
type Line = { at: number; text: string };
interface Follower { key: string; res: ServerResponse; since: number; timestamps: boolean }

/** The logs of every container the double knows, and the follows open on them. */
export interface LogStore {
  /** Serves one log request for `pod` (undefined: no such pod). */
  serve(ns: string, name: string, pod: Pod | undefined, q: URLSearchParams, res: ServerResponse): void;
  /** Appends a line (`at`: its time, epoch ms; default now) and writes it to the open follows. */
  append(ns: string, pod: string, container: string, text: string, at?: number): void;
  /** Ends the follows of a pod (all pods when omitted), like an API server closing them; returns how many. */
  close(ns?: string, pod?: string): number;
  /** The pod is gone: its follows end and its logs are dropped. */
  podRemoved(ns: string, pod: string): void;
  /** A container restarted: its follows end and a new instance's log starts empty. */
  containerRestarted(ns: string, pod: string, container: string): void;
  /** Follows open now (of one pod when given). */
  open(ns?: string, pod?: string): number;
}

export function createLogStore(): LogStore {
  const logs = new Map<string, Line[]>();
  const followers = new Set<Follower>();
  const keyOf = (ns: string, pod: string, container: string) => `${ns}/${pod}/${container}`;
  const ofPod = (f: Follower, ns?: string, pod?: string) => ns === undefined || f.key.startsWith(pod === undefined ? `${ns}/` : `${ns}/${pod}/`);
  const write = (f: Follower, l: Line) => {
    if (l.at >= f.since) f.res.write(`${f.timestamps ? `${rfc3339Nano(l.at)} ` : ''}${l.text}\n`);
  };
  const end = (match: (f: Follower) => boolean) => {
    let n = 0;
    for (const f of [...followers]) {
      if (!match(f)) continue;
      followers.delete(f);
      f.res.end();
      n++;
    }
    return n;
  };

  return {
    serve(ns, name, pod, q, res) {
      if (!pod) return status(res, 404, `pods "${name}" not found`, 'NotFound');
      const problem = containerProblem(pod, q.get('container') ?? '');
      if (problem) return status(res, 400, problem, 'BadRequest');
      const container = q.get('container') || pod.spec!.containers![0].name;
      const key = keyOf(ns, name, container);
      const all = logs.get(key) ?? [];
      const tail = q.has('tailLines') ? Number(q.get('tailLines')) : -1;
      let since = -Infinity;
      if (q.has('sinceSeconds')) since = Date.now() - Number(q.get('sinceSeconds')) * 1000;
      if (q.has('sinceTime')) since = Math.max(since, Math.floor(Date.parse(q.get('sinceTime')!) / 1000) * 1000);
      const f: Follower = { key, res, since, timestamps: q.get('timestamps') === 'true' };
      res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      for (const l of tail >= 0 ? all.slice(all.length - Math.min(tail, all.length)) : all) write(f, l);
      if (q.get('follow') !== 'true') return void res.end();
      followers.add(f);
      res.on('close', () => followers.delete(f));
    },
    append(ns, pod, container, text, at = Date.now()) {
      const key = keyOf(ns, pod, container);
      const line = { at, text };
      (logs.get(key) ?? logs.set(key, []).get(key)!).push(line);
      for (const f of followers) if (f.key === key) write(f, line);
    },
    close: (ns, pod) => end((f) => ofPod(f, ns, pod)),
    podRemoved(ns, pod) {
      end((f) => ofPod(f, ns, pod));
      for (const k of [...logs.keys()]) if (k.startsWith(`${ns}/${pod}/`)) logs.delete(k);
    },
    containerRestarted(ns, pod, container) {
      const key = keyOf(ns, pod, container);
      end((f) => f.key === key);
      logs.set(key, []);
    },
    open: (ns, pod) => [...followers].filter((f) => ofPod(f, ns, pod)).length,
  };
}

/**
 * The API server's container check (kubernetes/kubernetes pkg/registry/core/pod/strategy.go
 * validateContainer, read at 008b3652): no name is fine for a one-container pod; with several,
 * the message lists them as Go prints a []string (init containers first, as VisitContainers walks
 * them); a name that is no container of the pod is "not valid".
 */
function containerProblem(pod: Pod, container: string): string | undefined {
  const regular = (pod.spec?.containers ?? []).map((c) => c.name);
  const names = [...(pod.spec?.initContainers ?? []).map((c) => c.name), ...regular];
  if (container) return names.includes(container) ? undefined : `container ${container} is not valid for pod ${pod.metadata.name}`;
  if (regular.length === 1) return undefined;
  if (regular.length === 0) return `a container name must be specified for pod ${pod.metadata.name}`;
  return `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`;
}

/** The kubelet's RFC3339NanoFixed in UTC: `2026-11-30T12:00:00.123000000Z`. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function status(res: ServerResponse, code: number, message: string, reason: string): void {
  res.writeHead(code, { 'content-type': 'application/json' })
    .end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}
