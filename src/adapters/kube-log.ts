import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, type KubeLogOptions } from '../ports/kube.js';

/** The longest log line kept, in bytes; a longer one is dropped whole (a runaway line is no event of ours). */
export const MAX_LOG_LINE_BYTES = 64 * 1024;

/**
 * Cuts a byte stream into lines. A chunk may end in the middle of a line, or of a UTF-8 character,
 * so bytes are kept until their newline arrives and only whole lines are decoded. A line past
 * `maxBytes` is dropped up to its newline. What is left when the stream ends has no newline: it is
 * not delivered (a follow that is resumed receives that line again, whole).
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private dropping = false;
  /** Lines dropped for their length. */
  dropped = 0;

  constructor(private readonly onLine: (line: string) => void, private readonly maxBytes = MAX_LOG_LINE_BYTES) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) {
        this.keep(chunk.subarray(start));
        return;
      }
      this.keep(chunk.subarray(start, nl));
      if (this.dropping) this.dropped++;
      else {
        const line = Buffer.concat(this.parts, this.size).toString('utf8');
        this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      }
      this.parts = [];
      this.size = 0;
      this.dropping = false;
      start = nl + 1;
    }
  }

  private keep(bytes: Buffer): void {
    if (this.dropping || bytes.length === 0) return;
    if (this.size + bytes.length > this.maxBytes) {
      this.dropping = true;
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(bytes);
    this.size += bytes.length;
  }
}

/**
 * `GET /api/v1/namespaces/<ns>/pods/<pod>/log?container=&follow=true` with client-node's
 * credentials (KubeConfig.applyToHTTPSOptions: TLS agent, bearer token or basic auth). Not
 * client-node's `Log` class: in 1.4.0 it drops `tailLines: 0` (it sets the parameter only when
 * truthy, dist/log.js AddOptionsToSearchParams) and replaces the API's Status message of a 400/404
 * with "Error occurred in log request", and an abort leaves its piped stream open.
 */
export async function followPodLog(kc: KubeConfig, namespace: string, pod: string, container: string, opts: KubeLogOptions,
  onLine: (line: string) => void): Promise<void> {
  const what = `follow the log of container ${container} in pod ${namespace}/${pod}`;
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeApiError(`Kubernetes API: ${what} failed: the kubeconfig has no current cluster`);
  const url = new URL(`${cluster.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`);
  const q = url.searchParams;
  q.set('container', container);
  q.set('follow', 'true');
  if (opts.tailLines !== undefined) q.set('tailLines', String(opts.tailLines));
  if (opts.sinceSeconds !== undefined) q.set('sinceSeconds', String(opts.sinceSeconds));
  if (opts.sinceTime !== undefined) q.set('sinceTime', opts.sinceTime);
  if (opts.timestamps) q.set('timestamps', 'true');
  const reqOpts: https.RequestOptions = { method: 'GET', headers: { accept: '*/*' } };
  await kc.applyToHTTPSOptions(reqOpts);
  if (opts.signal.aborted) return;

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', onAbort);
      if (err && !opts.signal.aborted) reject(err);
      else resolve();
    };
    const onAbort = () => {
      req.destroy();
      finish();
    };
    const req = (url.protocol === 'http:' ? http : https).request(url, reqOpts, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const body: Buffer[] = [];
        res.on('data', (c: Buffer) => body.push(c));
        res.on('end', () => finish(new KubeApiError(`Kubernetes API: ${what} failed: ${statusMessage(Buffer.concat(body).toString('utf8')) ?? `HTTP ${status}`}`,
          { status, hint: status === 404 ? 'the pod is gone (deleted or replaced)' : undefined })));
        res.on('error', (err) => finish(toError(what, err)));
        return;
      }
      const lines = new LineSplitter(onLine);
      res.on('data', (c: Buffer) => { if (!settled) lines.push(c); });
      res.on('end', () => finish());
      // A connection cut mid-stream (no terminating chunk): the caller backs off and resumes.
      res.on('error', (err) => finish(toError(what, err)));
    });
    req.on('error', (err) => finish(toError(what, err)));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

function toError(what: string, err: Error & { code?: string }): KubeApiError {
  return new KubeApiError(`Kubernetes API: ${what} failed: ${err.code ?? err.message}`);
}

/** The `message` of a Kubernetes Status body (`{"kind":"Status",...,"message":...}`), when it is one. */
function statusMessage(body: string): string | undefined {
  try {
    const m = (JSON.parse(body) as { message?: unknown }).message;
    return typeof m === 'string' && m ? m : undefined;
  } catch {
    return undefined;
  }
}
