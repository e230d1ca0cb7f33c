import * as net from 'node:net';
import { listenOnLoopback } from './loopback-listen.js';
import type { ServiceProxy } from './proxy.js';
import { EndpointSet } from './endpoint-set.js';

/** Options of {@link startTcpProxy}. */
export interface TcpProxyOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. It is kept for the proxy's life. */
  port?: number;
  /** Wait before trying again when the port cannot be listened on again (default 100 ms). */
  relistenRetryMs?: number;
  log?: (line: string) => void;
}

/** The kube-proxy-like Service, with what tests and the bench inspect. */
export interface TcpServiceProxy extends ServiceProxy {
  /** Client connections open now; each has its one upstream connection. */
  connections(): number;
  /** True while the port accepts connections (at least one endpoint, and listening again is done). */
  accepting(): boolean;
}

/**
 * Copies `from` to `to`, pausing `from` while `to` is full. An 'end' (half-close) becomes an end()
 * of the other side, whose other half stays open. Listeners rather than pipe(): never more CPU per
 * chunk in our runs (sometimes a fifth less), and the end and backpressure rules stay in sight.
 */
function forward(from: net.Socket, to: net.Socket): void {
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
  from.on('end', () => to.end());
}

/**
 * The loopback stand-in for a Kubernetes Service as kube-proxy (iptables mode) makes it: an L4
 * proxy. Each client connection is pinned, when it connects, to one endpoint picked at random and
 * piped byte for byte; endpoint changes affect new connections only. With no endpoint the port
 * refuses connections (kube-proxy's REJECT rule): the listener is closed while the endpoint set is
 * empty and opened again on the same port when one is added. A reset on either side is passed on
 * as a reset, and an endpoint that refuses the upstream connection resets the client connection.
 */
export async function startTcpProxy(opts: TcpProxyOptions = {}): Promise<TcpServiceProxy> {
  const log = opts.log ?? (() => {});
  const retryMs = opts.relistenRetryMs ?? 100;
  // Endpoint changes open or close the listener (reconcile, below).
  const endpoints = new EndpointSet(log, () => void reconcile());
  const clients = new Set<net.Socket>();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let closed = false;
  let drained: (() => void) | undefined;

  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.once('close', () => {
      sockets.delete(s);
      if (closed && sockets.size === 0) drained?.();
    });
  };

  const onConnection = (client: net.Socket): void => {
    // A connection the kernel accepted just before the listener closed: no endpoint to pin it to.
    if (closed || endpoints.ports.length === 0) {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    const ports = endpoints.ports;
    const port = ports[Math.floor(Math.random() * ports.length)]!;
    const upstream = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true, noDelay: true });
    track(client);
    track(upstream);
    clients.add(client);
    client.once('close', () => clients.delete(client));
    // An error is a reset or a refused connect: the other side sees ECONNRESET, as from a dead pod.
    client.on('error', () => upstream.resetAndDestroy());
    upstream.on('error', () => client.resetAndDestroy());
    forward(client, upstream);
    forward(upstream, client);
  };

  const listen = async (p: number): Promise<number> => {
    const s = net.createServer({ allowHalfOpen: true, noDelay: true }, onConnection);
    const bound = await listenOnLoopback(s, p);
    s.on('error', (err) => log(`service proxy: ${err.message}`));
    server = s;
    return bound;
  };

  // The first listen claims the port (or finds a free one): a taken port fails the run at once.
  const port = await listen(opts.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  log(`service proxy (kube-proxy mode) listening on ${url}`);

  // Brings the listener in line with the endpoint set. One loop at a time; it re-reads the state
  // after every await, so changes made meanwhile are not lost.
  let looping = false;
  let loop: Promise<void> = Promise.resolve();
  const reconcile = (): Promise<void> => {
    if (looping) return loop;
    looping = true;
    loop = (async () => {
      try {
        for (;;) {
          const want = !closed && endpoints.ports.length > 0;
          if (want === (server !== undefined)) return;
          if (!want) {
            server!.close();
            server = undefined;
            if (!closed) log('service proxy: no endpoints, refusing connections');
            continue;
          }
          try {
            await listen(port);
            log('service proxy: accepting connections again');
          } catch (err) {
            // Rare: an outgoing socket took the port as its local port meanwhile; wait until it is free.
            log(`${(err as Error).message}; retrying`);
            await new Promise((r) => setTimeout(r, retryMs));
          }
        }
      } finally {
        looping = false;
      }
    })();
    return loop;
  };
  void reconcile();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    ...endpoints.serviceMethods(),
    endpoints: endpoints.feed(),
    connections: () => clients.size,
    accepting: () => server !== undefined && !looping,
    close() {
      closing ??= (async () => {
        closed = true;
        const all = new Promise<void>((resolve) => (drained = resolve));
        if (sockets.size === 0) drained!();
        for (const s of sockets) s.destroy();
        await reconcile();
        await all;
        log('service proxy closed');
      })();
      return closing;
    },
  };
}
