import * as http from 'node:http';
import * as net from 'node:net';
import type { ProbeCheck } from '../../scenario/model.js';

/** What one probe found: `detail` says why it failed (or what answered), for events and logs. */
export interface ProbeResult {
  ok: boolean;
  detail: string;
}

/** The kubelet reads at most 10 KiB of a probe's answer (pkg/probe/http/http.go, maxRespBodyLength). */
const MAX_BODY_BYTES = 10 * 1024;

type HttpCheck = Extract<ProbeCheck, { kind: 'httpGet' }>;

/**
 * One HTTP probe against 127.0.0.1:port: success when the status is in the range and the body
 * (first 10 KiB, only read when checked) passes `bodyIncludes` / `bodyExcludes`. A new connection
 * each time (`agent: false`), as the kubelet does, so a probe never rides a connection the app has
 * given up on. Redirects are not followed: a 3xx counts as it is, like the kubelet's default range.
 */
export function httpProbe(port: number, c: HttpCheck, timeoutMs: number): Promise<ProbeResult> {
  const what = `${c.method} ${c.path}`;
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers: c.headers, agent: false,
      timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      const inRange = status >= c.statusMin && status <= c.statusMax;
      const range = c.statusMin === c.statusMax ? `${c.statusMin}` : `${c.statusMin}-${c.statusMax}`;
      if (!inRange || (c.bodyIncludes === undefined && c.bodyExcludes === undefined)) {
        res.resume();
        resolve({ ok: inRange, detail: `${what} answered ${status}${inRange ? '' : ` (expected ${range})`}` });
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_BODY_BYTES) body += chunk;
      });
      res.on('end', () => {
        body = body.slice(0, MAX_BODY_BYTES);
        if (c.bodyIncludes !== undefined && !body.includes(c.bodyIncludes)) {
          resolve({ ok: false, detail: `${what} answered ${status} without ${JSON.stringify(c.bodyIncludes)} in its body` });
        } else if (c.bodyExcludes !== undefined && body.includes(c.bodyExcludes)) {
          resolve({ ok: false, detail: `${what} answered ${status} with ${JSON.stringify(c.bodyExcludes)} in its body` });
        } else {
          resolve({ ok: true, detail: `${what} answered ${status}` });
        }
      });
      res.on('error', () => resolve({ ok: false, detail: `${what}: the answer was cut off` }));
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs}ms`)));
    req.once('error', (err) => resolve({ ok: false, detail: `${what}: ${err.message}` }));
    req.end(c.body);
  });
}

/** One TCP probe: success when a connection to 127.0.0.1:port opens within the timeout. */
export function tcpProbe(port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (r: ProbeResult): void => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, detail: `tcp ${port}: no connection within ${timeoutMs}ms` }));
    socket.once('connect', () => done({ ok: true, detail: `tcp ${port}: connected` }));
    socket.once('error', (err) => done({ ok: false, detail: `tcp ${port}: ${err.message}` }));
  });
}
