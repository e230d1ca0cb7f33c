/**
 * An HTTP double of the Kubernetes API paths the kubernetes target uses, speaking the JSON that
 * @kubernetes/client-node 1.4.0 sends and parses (stack-facts E): collections
 * (`/apis/apps/v1/namespaces/<ns>/deployments`, `/api/v1/namespaces/<ns>/pods`, ESO's
 * `/apis/external-secrets.io/v1/namespaces/<ns>/externalsecrets`, secrets) with LIST (labelSelector,
 * fieldSelector metadata.name), WATCH (`?watch=true`: newline-delimited `{"type","object"}` events,
 * replayed from `resourceVersion` or as ADDED for everything without one), GET and PATCH of one
 * object. PATCH accepts only `application/merge-patch+json` (415 otherwise) and applies RFC 7386.
 * Tests script the cluster with put/remove and end watches with closeWatches. Every request is recorded.
 * Pod logs (`.../pods/<pod>/log`, kube-log-double.ts) are scripted with appendLog; removing a pod or
 * growing a container's `restartCount` ends that log's follows, as the kubelet's follow ends with its container.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
import { createLogStore } from './kube-log-double.js';
import type { AddressInfo } from 'node:net';

// Objects are free-form JSON; tests read the fields they scripted.
type Obj = { metadata: { name: string; resourceVersion?: string; generation?: number; labels?: Record<string, string> }; [k: string]: any };

/** One request as the double saw it. */
export interface KubeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  body?: unknown;
}

interface Watcher {
  collection: string;
  res: ServerResponse;
  matches(o: Obj): boolean;
}

/** A running double. */
export interface KubeDouble {
  /** `http://127.0.0.1:<port>`. */
  server: string;
  /** A kubeconfig (context `double`, a bearer token) pointing at the double. */
  kubeconfig: string;
  requests: KubeRequest[];
  /** Creates or replaces an object (ADDED / MODIFIED to watchers); sets resourceVersion. */
  put(collection: string, obj: Obj): Obj;
  /** Deletes an object (DELETED to watchers). */
  remove(collection: string, name: string): void;
  get(collection: string, name: string): Obj | undefined;
  /** Ends the open watches of a collection (all when omitted) like an API server's periodic close; returns how many. */
  closeWatches(collection?: string): number;
  /** How many watches of a collection were opened so far. */
  watchesOpened(collection: string): number;
  /** Appends a line to a container's log (`at`: epoch ms, default now); open follows get it. */
  appendLog(namespace: string, pod: string, container: string, line: string, at?: number): void;
  /** Pod logs answer 403 from now on, as for a user whose RBAC lacks `pods/log`. */
  forbidLogs(): void;
  /** Ends the open log follows (of a namespace, or one pod, when given) like an API server closing them; returns how many. */
  closeLogs(namespace?: string, pod?: string): number;
  /** Log follows open now (of one pod when given). */
  openLogs(namespace?: string, pod?: string): number;
  close(): Promise<void>;
}

export async function startKubeDouble(): Promise<KubeDouble> {
  const store = new Map<string, Map<string, Obj>>();
  const log = new Map<string, { rv: number; type: string; object: Obj }[]>();
  const watchers = new Set<Watcher>();
  const opened = new Map<string, number>();
  const requests: KubeRequest[] = [];
  const logs = createLogStore();
  let logsForbidden = false;
  let rv = 1000;

  const coll = (c: string) => store.get(c) ?? store.set(c, new Map()).get(c)!;
  const emit = (c: string, type: string, object: Obj) => {
    const entry = { rv, type, object: structuredClone(object) };
    (log.get(c) ?? log.set(c, []).get(c)!).push(entry);
    for (const w of watchers) if (w.collection === c && w.matches(object)) w.res.write(JSON.stringify({ type, object }) + '\n');
  };
  const put = (c: string, obj: Obj): Obj => {
    const existed = coll(c).has(obj.metadata.name);
    const o = structuredClone(obj);
    if (existed) endRestarted(c, coll(c).get(obj.metadata.name)!, o);
    o.metadata.resourceVersion = String(++rv);
    coll(c).set(o.metadata.name, o);
    emit(c, existed ? 'MODIFIED' : 'ADDED', o);
    return o;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err) => status(res, 500, String(err)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double');
    const text = await readBody(req);
    const rec: KubeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams,
      contentType: req.headers['content-type'], body: text ? JSON.parse(text) : undefined };
    requests.push(rec);
    if (req.headers.authorization !== 'Bearer double-token') return status(res, 401, 'Unauthorized');
    const logPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(url.pathname);
    if (logPath && logsForbidden) {
      return status(res, 403, `pods "${logPath[2]}" is forbidden: User "double" cannot get resource "pods/log" in API group "" in the namespace "${logPath[1]}"`);
    }
    if (logPath && rec.method === 'GET') return logs.serve(logPath[1], logPath[2], coll(podsOf(logPath[1])).get(logPath[2]), url.searchParams, res);
    const parts = url.pathname.split('/');
    // A collection path ends with its plural; an object path adds the name.
    const isItem = /\/namespaces\/[^/]+\/[^/]+\/[^/]+$/.test(url.pathname);
    const collection = isItem ? parts.slice(0, -1).join('/') : url.pathname;
    const name = isItem ? parts[parts.length - 1] : undefined;
    const matches = selector(url.searchParams);

    if (!isItem && rec.method === 'GET' && url.searchParams.get('watch') === 'true') {
      opened.set(collection, (opened.get(collection) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      // An API server answers a watch at once; the events follow as they happen.
      res.flushHeaders();
      const from = url.searchParams.get('resourceVersion');
      if (from) {
        for (const e of log.get(collection) ?? []) if (e.rv > Number(from) && matches(e.object)) res.write(JSON.stringify({ type: e.type, object: e.object }) + '\n');
      } else {
        for (const o of coll(collection).values()) if (matches(o)) res.write(JSON.stringify({ type: 'ADDED', object: o }) + '\n');
      }
      const w: Watcher = { collection, res, matches };
      watchers.add(w);
      res.on('close', () => watchers.delete(w));
      return;
    }
    // Create: 201 with the stored object, 409 AlreadyExists when the name is taken (as an API server answers).
    if (!isItem && rec.method === 'POST') {
      const body = rec.body as Obj;
      if (coll(collection).has(body.metadata.name)) return status(res, 409, `"${body.metadata.name}" already exists`);
      return json(res, 201, put(collection, { ...body, metadata: { ...body.metadata, generation: 1 } }));
    }
    if (isItem && rec.method === 'DELETE') {
      if (!coll(collection).has(name!)) return status(res, 404, `"${name}" not found`);
      double.remove(collection, name!);
      return json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name } });
    }
    if (!isItem && rec.method === 'GET') {
      const items = [...coll(collection).values()].filter(matches);
      return json(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(rv) }, items });
    }
    const current = name ? coll(collection).get(name) : undefined;
    if (!current) return status(res, 404, `"${name}" not found`);
    if (rec.method === 'GET') return json(res, 200, current);
    if (rec.method === 'PATCH') {
      if (rec.contentType !== 'application/merge-patch+json') return status(res, 415, `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json (got ${rec.contentType})`);
      const next = mergePatch(structuredClone(current), rec.body) as Obj;
      if (JSON.stringify(next.spec) !== JSON.stringify(current.spec)) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
      return json(res, 200, put(collection, next));
    }
    return status(res, 405, 'method not allowed');
  }

  /** A container whose restartCount grew is a new instance: its log starts again (kube-log-double.ts). */
  function endRestarted(c: string, before: Obj, after: Obj): void {
    const ns = podsNamespace(c);
    if (ns === undefined) return;
    const count = (o: Obj, name: string) => (o.status?.containerStatuses ?? []).find((s: { name: string }) => s.name === name)?.restartCount ?? 0;
    for (const s of after.status?.containerStatuses ?? []) {
      if (count(after, s.name) > count(before, s.name)) logs.containerRestarted(ns, after.metadata.name, s.name);
    }
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const double: KubeDouble = {
    server: url,
    kubeconfig: [
      'apiVersion: v1', 'kind: Config', 'current-context: double',
      // client-node refuses plain http unless TLS verification is off for the cluster.
      'clusters:', '- name: double', '  cluster:', `    server: ${url}`, '    insecure-skip-tls-verify: true',
      'users:', '- name: double', '  user:', '    token: double-token',
      'contexts:', '- name: double', '  context:', '    cluster: double', '    user: double', '',
    ].join('\n'),
    requests,
    put,
    remove(c, n) {
      const o = coll(c).get(n);
      if (!o) return;
      coll(c).delete(n);
      const ns = podsNamespace(c);
      if (ns !== undefined) logs.podRemoved(ns, n);
      rv++;
      emit(c, 'DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(rv) } });
    },
    get: (c, n) => coll(c).get(n),
    closeWatches(c) {
      let n = 0;
      for (const w of [...watchers]) {
        if (c && w.collection !== c) continue;
        w.res.end();
        watchers.delete(w);
        n++;
      }
      return n;
    },
    watchesOpened: (c) => opened.get(c) ?? 0,
    appendLog: (ns, pod, container, line, at) => logs.append(ns, pod, container, line, at),
    forbidLogs: () => { logsForbidden = true; },
    closeLogs: (ns, pod) => logs.close(ns, pod),
    openLogs: (ns, pod) => logs.open(ns, pod),
    close: () => new Promise<void>((r) => {
      logs.close();
      for (const w of watchers) w.res.end();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
  return double;
}

const podsOf = (ns: string) => `/api/v1/namespaces/${ns}/pods`;
/** The namespace of a pods collection path, else undefined. */
function podsNamespace(collection: string): string | undefined {
  return /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(collection)?.[1];
}

/** `labelSelector=k=v,k2=v2` and `fieldSelector=metadata.name=x` (equality only). */
function selector(q: URLSearchParams): (o: Obj) => boolean {
  const labels = (q.get('labelSelector') ?? '').split(',').filter(Boolean).map((p) => p.split('='));
  const field = /^metadata\.name=(.+)$/.exec(q.get('fieldSelector') ?? '')?.[1];
  return (o) => (!field || o.metadata.name === field) && labels.every(([k, v]) => o.metadata.labels?.[k] === v);
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A Kubernetes `Status` failure body. */
function status(res: ServerResponse, code: number, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });
}
