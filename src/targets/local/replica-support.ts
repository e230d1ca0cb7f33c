import type { ChildProcess } from 'node:child_process';
import * as http from 'node:http';

/* Small helpers of replica.ts: probes, and the last-resort child reaper. */

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

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Last resort against orphans. Children are not detached, yet they do not die with us: if this
 * process exits while replicas run (an uncaught error, a second Ctrl-C), they are re-parented and
 * keep their ports and database sessions. The 'exit' event runs synchronously on every exit path
 * that runs JavaScript, so SIGKILL goes out there. This is the one use of `process` in this code.
 */
export function trackChild(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of liveChildren) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  child.once('error', () => liveChildren.delete(child));
}
