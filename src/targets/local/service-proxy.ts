import type { ServiceEndpoints } from '../../ports/load.js';

/**
 * The loopback stand-in for a Kubernetes Service over the replicas that are currently its
 * endpoints: `startTcpProxy` in tcp-proxy.ts (kube-proxy mode, the default) or `startProxy` in proxy.ts (l7).
 */
export interface ServiceProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Adds (or re-points) an endpoint. */
  add(id: string, port: number): void;
  /** Removes an endpoint; requests (l7) or connections (kube-proxy) already routed to it are not affected. */
  remove(id: string): void;
  /** Current endpoint ids, in the order they were added. */
  backends(): string[];
  /**
   * kube-proxy mode only: the endpoints' ports and their changes, so that a client can route its
   * own connections as its node's kube-proxy would (load workers). Absent in l7 mode, whose
   * per-request balancing and 502/504 answers only the proxy gives.
   */
  readonly endpoints?: ServiceEndpoints;
  /** Closes the listener, every client connection and every upstream connection. */
  close(): Promise<void>;
}
