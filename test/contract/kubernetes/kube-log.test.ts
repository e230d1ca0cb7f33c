import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../../src/adapters/kube-client.js';
import { LineSplitter, MAX_LOG_LINE_BYTES } from '../../../src/adapters/kube-log.js';
import { KubeApiError, type KubeApi } from '../../../src/ports/kube.js';
import { startKubeDouble, type KubeDouble } from '../../support/kube-double.js';
import { NS, PODS, pod } from '../../support/kube-objects.js';

/** The adapter's followLog (`GET .../pods/<pod>/log?follow=true`) against the Kubernetes API double and a raw chunked server. */
describe('followLog (client-node credentials, node:http stream)', () => {
  let k: KubeDouble;
  let api: KubeApi;

  beforeEach(async () => {
    k = await startKubeDouble();
    k.put(PODS, pod('p1', 'demo-app-r1', 'h1', true));
    api = createKubeClient({ kubeconfig: k.kubeconfig });
  });
  afterEach(async () => {
    await k.close();
  });

  it('sends tailLines=0 (client-node\'s Log class drops it) and delivers only lines written after', async () => {
    k.appendLog(NS, 'p1', 'demo-app', 'old');
    const lines: string[] = [];
    const abort = new AbortController();
    const done = api.followLog(NS, 'p1', 'demo-app', { signal: abort.signal, tailLines: 0 }, (l) => lines.push(l));
    await until(() => k.openLogs(NS, 'p1') === 1);
    k.appendLog(NS, 'p1', 'demo-app', 'new');
    await until(() => lines.length === 1);
    abort.abort();
    await done;
    expect(lines).toEqual(['new']);
    const req = k.requests.find((r) => r.path === `${PODS}/p1/log`)!;
    expect(Object.fromEntries(req.query)).toEqual({ container: 'demo-app', follow: 'true', tailLines: '0' });
    // The abort closed the connection: the double sees its follow end.
    await until(() => k.openLogs() === 0);
  });

  it('resolves when the server ends the stream, and resumes from sinceTime with timestamps', async () => {
    const at = Date.parse('2026-11-30T12:00:01.250Z');
    k.appendLog(NS, 'p1', 'demo-app', 'before', at - 1000);
    k.appendLog(NS, 'p1', 'demo-app', 'same second', at);
    const lines: string[] = [];
    const done = api.followLog(NS, 'p1', 'demo-app', { signal: new AbortController().signal, sinceTime: '2026-11-30T12:00:01.999Z', timestamps: true },
      (l) => lines.push(l));
    await until(() => k.openLogs(NS, 'p1') === 1);
    expect(k.closeLogs(NS, 'p1')).toBe(1);
    await done;
    // The API server passes sinceTime on at whole seconds: the line at .250 of that second comes back.
    expect(lines).toEqual(['2026-11-30T12:00:01.250000000Z same second']);
  });

  it('rejects with the API\'s message: 404 for an unknown pod, 400 for a missing or unknown container', async () => {
    k.put(PODS, { ...pod('p2', 'demo-app-r1', 'h1', true), spec: { containers: [{ name: 'demo-app' }, { name: 'vault-agent' }] } });
    const signal = new AbortController().signal;
    const fail = (p: string, c: string) => api.followLog(NS, p, c, { signal }, () => {}).then(() => undefined, (e: unknown) => e as KubeApiError);
    const gone = await fail('nope', 'demo-app');
    expect(gone).toBeInstanceOf(KubeApiError);
    expect(gone).toMatchObject({ status: 404, message: expect.stringContaining('pods "nope" not found') });
    expect(await fail('p2', '')).toMatchObject({ status: 400, message: expect.stringContaining('a container name must be specified for pod p2, choose one of: [demo-app vault-agent]') });
    expect(await fail('p2', 'app')).toMatchObject({ status: 400, message: expect.stringContaining('container app is not valid for pod p2') });
  });

  it('ends the follows of a deleted pod', async () => {
    const done = api.followLog(NS, 'p1', 'demo-app', { signal: new AbortController().signal }, () => {});
    await until(() => k.openLogs(NS, 'p1') === 1);
    k.remove(PODS, 'p1');
    await done;
    expect(k.openLogs()).toBe(0);
  });
});

describe('log lines across chunks', () => {
  const naive = Buffer.from('naïve\n');
  const long = 'x'.repeat(MAX_LOG_LINE_BYTES + 1);
  // A line cut twice, a character cut between its two UTF-8 bytes, a line too long, a partial last line.
  const chunks = [Buffer.from('first li'), Buffer.from('ne\nsec'), Buffer.from('ond\r\n'), naive.subarray(0, 3), naive.subarray(3),
    Buffer.from(`${long.slice(0, 40_000)}`), Buffer.from(`${long.slice(40_000)}\nafter\n`), Buffer.from('x'.repeat(MAX_LOG_LINE_BYTES)), Buffer.from('\npartial')];
  const expected = ['first line', 'second', 'naïve', 'after', 'x'.repeat(MAX_LOG_LINE_BYTES)];

  it('LineSplitter joins and cuts them into whole lines, dropping one past 64 KiB and a last line without newline', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    for (const c of chunks) s.push(c);
    expect(lines).toEqual(expected);
    expect(s.dropped).toBe(1);
  });

  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => {
    server?.closeAllConnections();
    return server ? server.close(() => r()) : r();
  }));

  it('followLog delivers the same lines from a chunked HTTP response', async () => {
    const srv = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let i = 0;
      const next = () => (i < chunks.length ? res.write(chunks[i++], next) : res.end());
      next();
    });
    server = srv;
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const kubeconfig = ['apiVersion: v1', 'kind: Config', 'current-context: c', 'clusters:', '- name: c', '  cluster:', `    server: ${url}`,
      '    insecure-skip-tls-verify: true', 'users:', '- name: u', '  user:', '    token: t', 'contexts:', '- name: c', '  context:', '    cluster: c', '    user: u', ''].join('\n');
    const lines: string[] = [];
    await createKubeClient({ kubeconfig }).followLog('ns', 'p', 'c', { signal: new AbortController().signal }, (l) => lines.push(l));
    expect(lines).toEqual(expected);
  });
});

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
