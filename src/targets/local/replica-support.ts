import * as http from 'node:http';

/* Small helpers of replica.ts. The last-resort kill of children is the spawner's (adapters/node-process-spawner.ts). */

export { freeLoopbackPort } from '../../runtime/free-port.js';


/** One readiness probe: true on HTTP 200. */
export function probe(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
