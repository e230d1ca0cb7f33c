import { DURATION_PATTERN, formatDuration, parseDuration } from './duration.js';
import type { PathIssue } from './path-issue.js';

/**
 * Upper bounds on what a scenario may ask for. Each protects the machine running vaultctl: past
 * them a run does not measure anything, it exhausts processes, sockets or memory (README "Scenarios").
 */
export const SCENARIO_LIMITS = {
  /** Each replica is a process with its own database pool, started together in a rollout. */
  replicas: 50,
  /** Requests per second the open-model generator schedules. */
  rate: 100_000,
  /** Client connections and requests in flight each hold sockets (ulimit -n is 20000, the proxy doubles them). */
  connections: 10_000,
  maxInFlight: 10_000,
  /** load.warmUp + load.duration. */
  runMs: 24 * 3_600_000,
  /** (load.warmUp + load.duration) / analysis.bin: the recorder allocates typed arrays per bin. */
  bins: 10_000_000,
} as const;

/** autocannon (rate: max) validates its timeout in whole seconds and refuses less than 1s. */
const MAX_RATE_MIN_TIMEOUT_MS = 1000;

/**
 * Bounds and zero values that pass the schema but would break or falsify a run. Values of the
 * wrong type are the schema's to report; here they are skipped.
 */
export function boundIssues(raw: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const root = asMap(raw);
  const workload = asMap(root.workload);
  const load = asMap(root.load);
  const analysis = asMap(root.analysis);
  const add = (path: (string | number)[], message: string): void => void issues.push({ path, message });

  const tooMany = (section: string, obj: Record<string, unknown>, key: keyof typeof SCENARIO_LIMITS, why: string): void => {
    const v = obj[key];
    const max = SCENARIO_LIMITS[key];
    if (typeof v === 'number' && v > max) add([section, key], `${v} is over the limit of ${max.toLocaleString('en-US')} ${why}`);
  };
  tooMany('workload', workload, 'replicas', 'replicas (each is a process with its own database pool)');
  tooMany('load', load, 'rate', 'requests/s');
  tooMany('load', load, 'connections', 'connections (each holds sockets, and vaultctl may open 20000 files)');
  tooMany('load', load, 'maxInFlight', 'requests in flight (each holds sockets, and vaultctl may open 20000 files)');

  // A zero (or sub-millisecond, which rounds to 0) duration where the run needs time to pass.
  const positive = (path: string[], value: unknown, why: string): void => {
    if (durationMs(value) === 0) add(path, `must be longer than 0 ${why}`);
  };
  positive(['load', 'duration'], load.duration, '(nothing would be measured)');
  positive(['load', 'timeout'], load.timeout, '(every request would time out)');
  positive(['analysis', 'bin'], analysis.bin, '(the recorder counts requests per bin)');
  const readiness = asMap(workload.readiness);
  positive(['workload', 'readiness', 'period'], readiness.period, '(replicas would be probed in a busy loop)');
  positive(['workload', 'readiness', 'startupTimeout'], readiness.startupTimeout, '(no replica could become ready)');

  const timeoutMs = durationMs(load.timeout);
  if (load.rate === 'max' && timeoutMs !== undefined && timeoutMs > 0 && timeoutMs < MAX_RATE_MIN_TIMEOUT_MS) {
    add(['load', 'timeout'], `must be at least 1s with rate: max (autocannon counts its timeout in whole seconds)`);
  }

  const durMs = durationMs(load.duration);
  const warmMs = load.warmUp === undefined ? 0 : durationMs(load.warmUp);
  if (durMs === undefined || warmMs === undefined) return issues;
  const runMs = durMs + warmMs;
  const runAt = 'warmUp' in load && warmMs > durMs ? ['load', 'warmUp'] : ['load', 'duration'];
  if (runMs > SCENARIO_LIMITS.runMs) {
    add(runAt, `load.warmUp + load.duration is ${hours(runMs)}, over the limit of 24h`);
    return issues; // the bin count of a run that long says nothing more
  }
  const binMs = analysis.bin === undefined ? 10 : durationMs(analysis.bin);
  if (binMs !== undefined && binMs > 0 && runMs / binMs > SCENARIO_LIMITS.bins) {
    add('bin' in analysis ? ['analysis', 'bin'] : runAt,
      `${hours(runMs)} of load in ${formatDuration(binMs)} bins is ${Math.ceil(runMs / binMs).toLocaleString('en-US')} bins, ` +
      `over the limit of 10,000,000 (use a wider analysis.bin)`);
  }
  return issues;
}

function asMap(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A long duration in hours when it is one (`100000h`), else as files write it. */
function hours(ms: number): string {
  return ms >= 3_600_000 ? `${+(ms / 3_600_000).toFixed(2)}h` : formatDuration(ms);
}

/** Milliseconds of a valid file duration; undefined for anything the schema will reject. */
export function durationMs(v: unknown): number | undefined {
  if (v === 0) return 0;
  return typeof v === 'string' && DURATION_PATTERN.test(v) ? parseDuration(v) : undefined;
}
