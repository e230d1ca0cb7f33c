/**
 * The two clocks of a Deployment that meet a crashing replica: the kubelet's restart back-off
 * and the Deployment's progress deadline. Both are timing only; the supervisor acts on them.
 */

/** The back-off settings: `initialMs` doubling up to `maxMs` (workload.restartBackoff). */
export interface BackoffSpec {
  initialMs: number;
  maxMs: number;
}

/**
 * CrashLoopBackOff per replica id: the first restart at once, then `initialMs`, doubling, capped
 * at `maxMs`; a series is forgotten once a start has lasted 2 × maxMs. With the kubelet's 10 s and
 * 5 min that is 10 s, 20 s, 40 s … 5 min, reset after 10 minutes of running (Kubernetes docs, Pod
 * lifecycle, "Container restarts"; the first restart at once is the kubelet's back-off key being new).
 */
export class RestartBackoff {
  private readonly series = new Map<string, { count: number; at: number }>();

  constructor(private readonly spec: BackoffSpec, private readonly now: () => number = () => performance.now()) {}

  /** True once `id` has been restarted (it is no longer an initial replica). */
  has(id: string): boolean {
    return this.series.has(id);
  }

  /** The delay before restarting `id` now; records the restart. */
  next(id: string): number {
    const { initialMs, maxMs } = this.spec;
    const now = this.now();
    const prev = this.series.get(id);
    const count = prev && now - prev.at < 2 * maxMs ? prev.count : 0;
    const delay = count === 0 ? 0 : Math.min(initialMs * 2 ** (count - 1), maxMs);
    this.series.set(id, { count: count + 1, at: now + delay });
    return delay;
  }
}

/**
 * A Deployment's progress deadline (progressDeadlineSeconds, 600 by default): `onExpired` runs
 * when `ms` pass without arm() being called again. Progress re-arms it: a new revision, a new
 * replica ready.
 */
export class ProgressDeadline {
  private timer?: NodeJS.Timeout;

  constructor(private readonly ms: number, private readonly onExpired: () => void) {}

  arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onExpired, this.ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
