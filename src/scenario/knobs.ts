import type { PathIssue } from './path-issue.js';

/**
 * Workload keys that only vaultctl's demo app reads (as environment variables). With a user's
 * `workload.command` they change nothing in the run, so setting them is a warning, not silence.
 */
const DEMO_APP_ONLY: Readonly<Record<string, string>> = {
  pool: 'pool is read by the demo app only (POOL_* variables); configure your app\'s own connection pool',
  querySleep: 'querySleep is read by the demo app only (QUERY_SLEEP_MS); your app\'s own queries set the request time',
  gracefulDrain: 'gracefulDrain cannot make your command drain on SIGTERM (only the demo app reads GRACEFUL_DRAIN); ' +
    'it only tells `vaultctl doctor` whether your app does, so set it to what your app really does',
};

/**
 * Workload keys the kubernetes target does not apply: it runs the lab's demo app Deployment, whose
 * command, probes, restarts and Service are the cluster's (src/targets/kubernetes/lab-settings.ts sets
 * only replicas, maxSurge and maxUnavailable). Timing keys doctor reasons with are not listed.
 */
const LOCAL_ONLY = ['command', 'env', 'liveness', 'restartBackoff', 'progressDeadline', 'servicePort', 'service'];

/** Warnings for keys set in the file (raw object) that do nothing for this workload. */
export function knobWarnings(raw: unknown): PathIssue[] {
  const root = raw as { target?: unknown; workload?: Record<string, unknown> } | null;
  const workload = root?.workload;
  if (!workload || typeof workload !== 'object') return [];
  if ((root?.target ?? 'local') !== 'local') {
    return LOCAL_ONLY.filter((key) => key in workload).map((key) => ({ path: ['workload', key],
      message: `${key} applies to the local target only: on a cluster the lab's Deployment and Service decide it (vaultctl.yaml \`app:\`)` }));
  }
  if (!Array.isArray(workload.command)) return [];
  return Object.keys(DEMO_APP_ONLY).filter((key) => key in workload)
    .map((key) => ({ path: ['workload', key], message: `${DEMO_APP_ONLY[key]} (workload.command is set)` }));
}
