import { parseDuration } from './duration.js';
import type { ProbeCheck, ProbeSpec } from './model.js';
import type { FileDuration, ScenarioFile } from './schema.js';

type FileReadiness = ScenarioFile['workload']['readiness'];
type FileLiveness = NonNullable<ScenarioFile['workload']['liveness']>;

/** Readiness before probes had handlers: `path` alone (or nothing) is `GET /ready`. */
const DEFAULT_READINESS_PATH = '/ready';

/** `workload.readiness` as the model has it; semantics.ts has ruled out `path` next to a handler. */
export function readinessSpec(r: FileReadiness): ProbeSpec & { startupTimeoutMs: number } {
  const check: ProbeCheck = checkOf(r) ?? {
    kind: 'httpGet', path: r.path ?? DEFAULT_READINESS_PATH, method: 'GET', headers: {}, statusMin: 200, statusMax: 399,
  };
  return { ...timing(r), check, startupTimeoutMs: ms(r.startupTimeout) };
}

/** `workload.liveness`; semantics.ts requires exactly one handler, so a missing one is a bug here. */
export function livenessSpec(l: FileLiveness): ProbeSpec {
  const check = checkOf(l);
  if (!check) throw new Error('workload.liveness without a handler passed validation');
  return { ...timing(l), check };
}

function checkOf(p: FileReadiness | FileLiveness): ProbeCheck | undefined {
  if (p.httpGet) {
    const h = p.httpGet;
    const [statusMin, statusMax] = statusRange(h.status);
    const check: ProbeCheck = { kind: 'httpGet', path: h.path, method: h.method, headers: { ...h.headers }, statusMin, statusMax };
    if (h.body !== undefined) check.body = h.body;
    if (h.bodyIncludes !== undefined) check.bodyIncludes = h.bodyIncludes;
    if (h.bodyExcludes !== undefined) check.bodyExcludes = h.bodyExcludes;
    return check;
  }
  if (p.tcpSocket) return { kind: 'tcpSocket' };
  if (p.exec) return { kind: 'exec', command: [...p.exec.command] };
  return undefined;
}

function timing(p: FileReadiness | FileLiveness): Omit<ProbeSpec, 'check'> {
  return {
    initialDelayMs: ms(p.initialDelay), periodMs: ms(p.period), timeoutMs: ms(p.timeout),
    successThreshold: p.successThreshold, failureThreshold: p.failureThreshold,
  };
}

function statusRange(status: number | string): [number, number] {
  if (typeof status === 'number') return [status, status];
  const [lo, hi = lo] = status.split('-').map(Number);
  return [lo, hi];
}

function ms(d: FileDuration): number {
  return d === 0 ? 0 : parseDuration(d);
}
