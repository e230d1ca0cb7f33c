import { durationMs } from './bounds.js';
import type { PathIssue } from './path-issue.js';
import { PLACEHOLDERS, placeholdersIn } from './placeholders.js';

const HANDLERS = ['httpGet', 'tcpSocket', 'exec'] as const;

/**
 * Rules of `workload.readiness`, `workload.liveness`, `workload.restartBackoff` and
 * `workload.progressDeadline` that the schema cannot say (raw file object, read defensively).
 * They follow the API server's validation of a Probe: one handler only, liveness's
 * successThreshold must be 1 (core/v1 Probe: "Must be 1 for liveness and startup").
 */
export function probeIssues(workload: Record<string, unknown>): PathIssue[] {
  const issues: PathIssue[] = [];
  const add = (path: (string | number)[], message: string): void => void issues.push({ path, message });
  for (const probe of ['readiness', 'liveness'] as const) {
    if (!(probe in workload)) continue;
    const p = asMap(workload[probe]);
    const at = (...rest: (string | number)[]) => ['workload', probe, ...rest];
    const handlers = HANDLERS.filter((h) => h in p);
    if (handlers.length > 1) {
      add(at(handlers[1]), `a probe has one handler, found ${handlers.join(' and ')} (keep one)`);
    }
    if (probe === 'readiness' && 'path' in p && handlers.length > 0) {
      add(at('path'), `path is the shorthand for httpGet with GET; it cannot be used with ${handlers[0]} (move it to httpGet.path)`);
    }
    if (probe === 'liveness' && handlers.length === 0) {
      add(at(), 'needs one handler: httpGet, tcpSocket or exec');
    }
    if (probe === 'liveness' && typeof p.successThreshold === 'number' && p.successThreshold !== 1) {
      add(at('successThreshold'), 'must be 1 for a liveness probe, as in Kubernetes (one success after a failure already counts)');
    }
    // readiness.period is bounds.ts's (it was there first).
    if (probe === 'liveness' && durationMs(p.period) === 0) add(at('period'), 'must be longer than 0 (the replica would be probed in a busy loop)');
    if (durationMs(p.timeout) === 0) add(at('timeout'), 'must be longer than 0 (every probe would time out)');
    const command = asMap(p.exec).command;
    if (Array.isArray(command)) {
      command.forEach((arg, i) => {
        const unknown = typeof arg === 'string' ? placeholdersIn(arg).filter((n) => !(n in PLACEHOLDERS)) : [];
        if (unknown.length > 0) add(at('exec', 'command', i), `unknown placeholder {{${unknown[0]}}}; known: ${Object.keys(PLACEHOLDERS).map((n) => `{{${n}}}`).join(', ')}`);
      });
    }
    const status = asMap(p.httpGet).status;
    if (typeof status === 'string' && /^\d{3}-\d{3}$/.test(status)) {
      const [lo, hi] = status.split('-').map(Number);
      if (lo > hi) add(at('httpGet', 'status'), `range "${status}" is empty (${lo} > ${hi})`);
    }
  }
  const backoff = asMap(workload.restartBackoff);
  const initial = durationMs(backoff.initial ?? '10s');
  const max = durationMs(backoff.max ?? '5m');
  if (initial === 0) add(['workload', 'restartBackoff', 'initial'], 'must be longer than 0 (a crashing replica would be restarted in a busy loop)');
  if (initial !== undefined && max !== undefined && initial > max) {
    add(['workload', 'restartBackoff', 'max' in backoff ? 'max' : 'initial'], 'restartBackoff.initial cannot be longer than restartBackoff.max');
  }
  if (durationMs(workload.progressDeadline) === 0) {
    add(['workload', 'progressDeadline'], 'must be longer than 0 (every rollout would be abandoned at once)');
  }
  return issues;
}

function asMap(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
