import * as http from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './loopback-listen.js';
import { EndpointSet } from './endpoint-set.js';
import type { ServiceProxy } from './service-proxy.js';

export type { ServiceProxy };

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Time an upstream has to answer completely before the proxy answers 504. */
  upstreamTimeoutMs: number;
  log?: (line: string) => void;
}

/** Values of the `x-vaultctl-proxy-error` header. */
export type ProxyErrorKind = 'conn_refused' | 'conn_reset' | 'timeout' | 'other' | 'no_endpoints';

/** Header set on answers the proxy makes itself (never on passed-through upstream answers). */
export const PROXY_ERROR_HEADER = 'x-vaultctl-proxy-error';
/** Header carrying why a request failed: the upstream's own value, or the proxy's errno. */
export const CAUSE_HEADER = 'x-vaultctl-cause';

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded.
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function errorKind(code: string | undefined): ProxyErrorKind {
  if (code === 'ECONNREFUSED') return 'conn_refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'conn_reset';
  return 'other';
}

/**
 * Starts the L7 proxy on 127.0.0.1, which behaves like an ingress: round-robin per request, and
 * every request opens a new upstream connection, so a request routed to a replica that stopped
 * listening fails the way a connection to a dead pod does, and the client gets an answer it can
 * classify (502/503/504 with {@link PROXY_ERROR_HEADER} and {@link CAUSE_HEADER}). Clients keep
 * their connections to the proxy, so keep-alive failures of a Service are not seen through it.
 * Rejects with an ExternalError (exit 4) when the port is taken.
 */
export async function startProxy(opts: ProxyOptions): Promise<ServiceProxy> {
  const log = opts.log ?? (() => {});
  const endpoints = new EndpointSet(log);
  const clients = new Set<Socket>();
  const upstreams = new Set<http.ClientRequest>();
  let next = 0;

  const fail = (res: http.ServerResponse, status: number, kind: ProxyErrorKind, cause?: string): void => {
    if (res.headersSent) {
      // Too late for a status: cut the connection so the client cannot mistake a partial body for success.
      res.destroy();
      return;
    }
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain', [PROXY_ERROR_HEADER]: kind };
    if (cause) headers[CAUSE_HEADER] = cause;
    res.writeHead(status, headers);
    res.end(`vaultctl proxy: ${kind}${cause ? ` (${cause})` : ''}\n`);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    req.on('error', () => {});
    res.on('error', () => {});
    const ports = endpoints.ports;
    if (ports.length === 0) {
      req.resume();
      fail(res, 503, 'no_endpoints');
      return;
    }
    const port = ports[next++ % ports.length]!;
    if (next >= Number.MAX_SAFE_INTEGER) next = 0;

    let done = false;
    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      upstreams.delete(upstream);
    };
    // agent: false → one fresh TCP connection per request, like kube-proxy routing a new connection.
    const upstream = http.request({
      host: '127.0.0.1', port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent: false,
    });
    upstreams.add(upstream);
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      upstream.destroy();
      fail(res, 504, 'timeout', 'ETIMEDOUT');
    }, opts.upstreamTimeoutMs);

    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (done) return;
      finish();
      const code = err.code ?? 'EUNKNOWN';
      fail(res, 502, errorKind(err.code), code);
    });
    upstream.on('response', (up) => {
      up.on('error', () => {});
      up.on('end', finish);
      // An upstream that dies mid-body: the client connection is cut (see fail()).
      up.on('aborted', () => { if (!done) { finish(); res.destroy(); } });
      res.writeHead(up.statusCode ?? 502, up.statusMessage, endToEnd(up.headers));
      up.pipe(res);
    });
    // The client went away before the answer was complete: stop the upstream work too.
    res.on('close', () => {
      if (!res.writableFinished && !done) { finish(); upstream.destroy(); }
    });
    req.pipe(upstream);
  };

  const server = http.createServer(handle);
  // Load clients pause between per-second bursts; do not let idle keep-alives expire under them.
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
  });
  // A malformed request or a client socket error: drop that connection, keep serving.
  server.on('clientError', (_err, socket) => socket.destroy());

  const port = await listenOnLoopback(server, opts.port ?? 0);
  server.on('error', (err) => log(`service proxy: ${err.message}`));

  const url = `http://127.0.0.1:${port}`;
  log(`service proxy listening on ${url}`);
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    ...endpoints.serviceMethods(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const u of upstreams) u.destroy();
        for (const s of clients) s.destroy();
        log('service proxy closed');
      });
      return closing;
    },
  };
}
