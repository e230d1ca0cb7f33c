import * as net from 'node:net';
import type { Connector } from './http1-lane.js';

/**
 * Connections the way a node's kube-proxy (iptables mode) routes them to a Service: each new
 * connection goes to one ready endpoint picked at random when it is opened, and stays with it;
 * with no endpoint it is refused (kube-proxy's REJECT rule for a Service without endpoints,
 * https://kubernetes.io/docs/reference/networking/virtual-ips/). A load worker given the local
 * Service's endpoints is its own node: it routes its connections itself instead of through
 * vaultctl's proxy (src/targets/local/tcp-proxy.ts, which routes the same way), so vaultctl's
 * process carries none of the load's bytes. Endpoints are loopback ports.
 */
export function connectToEndpoints(ports: () => readonly number[]): Connector {
  return () => {
    const now = ports();
    if (now.length === 0) return undefined;
    return net.connect({ host: '127.0.0.1', port: now[Math.floor(Math.random() * now.length)]! });
  };
}
