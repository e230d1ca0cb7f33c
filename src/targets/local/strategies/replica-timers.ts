/*
 * The timers of the per-replica strategies (csi, vault-env). Their steps hang off each replica's own
 * lease, issued when that replica starts — before the run's load (and its plan) begins, and again
 * at every restart in place — so they are set here as leases come rather than planned up front.
 */

/**
 * How far ahead a replica's steps are set before the load's end is known: the whole load from now,
 * plus a minute for the replicas still starting. arm() then trims them to the real end.
 */
export function provisionalHorizonMs(s: { load: { warmUpMs: number; durationMs: number } }): number {
  return s.load.warmUpMs + s.load.durationMs + 60_000;
}

/** One timed step on the run clock. */
export interface ReplicaStep {
  atMs: number;
  run: () => Promise<unknown>;
}

/** A replica's steps for a horizon: every step strictly before `untilMs`. */
export type ReplicaPlan = (untilMs: number) => ReplicaStep[];

interface Due {
  timer: NodeJS.Timeout;
  fired: boolean;
}

/**
 * Steps per replica on the run clock. A replica's steps run from the moment its lease is issued
 * (an agent renews at once; a lease must not wait for the load to be renewed), first up to a
 * provisional horizon (`now + provisionalMs`), and from arm() on up to the end of the load: steps
 * at or past it are dropped, those not yet set are added. One timer per time, its steps in order.
 * A replica's new chain (a new start) replaces its steps. Timers are unref'd; stop() clears them all.
 */
export class ReplicaTimers {
  private untilMs?: number;
  private stoppedAll = false;
  private readonly plans = new Map<string, ReplicaPlan>();
  private readonly due = new Map<string, Map<number, Due>>();

  constructor(
    private readonly now: () => number,
    private readonly provisionalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Replaces replica `id`'s steps with those `plan` gives. */
  set(id: string, plan: ReplicaPlan): void {
    this.clear(id);
    if (this.stoppedAll) return;
    this.plans.set(id, plan);
    this.schedule(id);
  }

  /** The load ends at `untilMs`: every replica's steps are re-planned to it. */
  arm(untilMs: number): void {
    this.untilMs = untilMs;
    for (const id of this.plans.keys()) this.schedule(id);
  }

  stop(): void {
    this.stoppedAll = true;
    for (const id of [...this.plans.keys()]) this.clear(id);
  }

  private clear(id: string): void {
    for (const d of this.due.get(id)?.values() ?? []) clearTimeout(d.timer);
    this.due.delete(id);
    this.plans.delete(id);
  }

  private schedule(id: string): void {
    const until = this.untilMs ?? this.now() + this.provisionalMs;
    const byTime = new Map<number, ReplicaStep[]>();
    for (const s of this.plans.get(id)!(until)) if (s.atMs < until) byTime.set(s.atMs, [...(byTime.get(s.atMs) ?? []), s]);
    const due = this.due.get(id) ?? new Map<number, Due>();
    this.due.set(id, due);
    for (const [atMs, d] of due) {
      if (!d.fired && !byTime.has(atMs)) {
        clearTimeout(d.timer);
        due.delete(atMs);
      }
    }
    // Timers set for the same instant need not fire in the order they were set: one per time.
    for (const [atMs, steps] of byTime) {
      if (due.has(atMs)) continue;
      const d: Due = { fired: false, timer: setTimeout(() => {
        d.fired = true;
        void (async () => {
          for (const s of steps) await s.run();
        })().catch(this.onError);
      }, Math.max(0, atMs - this.now())) };
      d.timer.unref();
      due.set(atMs, d);
    }
  }
}
