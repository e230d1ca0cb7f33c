import type { SchedulePart } from '../ports/load.js';

export type { SchedulePart };

/**
 * The open-model arrival schedule (k6's constant-arrival-rate, wrk2): request i is due at
 * `startMs + i · 1000 / rate`, whatever happened to the requests before it. Pure: the caller
 * asks which requests are due at a time and when the next one is. With a `part`, it is one load
 * worker's share: every `of`-th request from `index` on, so N workers together send exactly the
 * one schedule, each request once and at its own time (not N schedules of rate/N started together).
 */
export class ArrivalSchedule {
  /** Requests this schedule holds: ⌊duration × rate⌋ (of them, this part's share). */
  readonly total: number;
  private readonly intervalMs: number;
  private readonly part: SchedulePart;
  private next = 0;

  constructor(readonly startMs: number, readonly rate: number, durationMs: number, part: SchedulePart = { index: 0, of: 1 }) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be a positive number, got ${rate}`);
    if (!(durationMs >= 0)) throw new RangeError(`duration must not be negative, got ${durationMs}`);
    if (!(Number.isInteger(part.of) && part.of >= 1 && Number.isInteger(part.index) && part.index >= 0 && part.index < part.of)) {
      throw new RangeError(`part must be 0 <= index < of, got ${part.index} of ${part.of}`);
    }
    this.intervalMs = 1000 / rate;
    this.part = part;
    // A tiny epsilon keeps 30 s × 100/s at 3000 despite floating point (29.999999…).
    const whole = Math.floor((durationMs * rate) / 1000 + 1e-9);
    this.total = whole > part.index ? Math.ceil((whole - part.index) / part.of) : 0;
  }

  /** Scheduled start of this schedule's request i, run-clock ms. */
  timeOf(i: number): number {
    return this.startMs + (this.part.index + i * this.part.of) * this.intervalMs;
  }

  /** Requests handed out so far. */
  get issued(): number {
    return this.next;
  }

  /** True once every request of the schedule has been handed out. */
  get done(): boolean {
    return this.next >= this.total;
  }

  /** Hands out the index of every request due at `nowMs` that was not handed out yet, in order. */
  takeDue(nowMs: number, each: (index: number, scheduledMs: number) => void): void {
    while (this.next < this.total) {
      const t = this.timeOf(this.next);
      if (t > nowMs) return;
      each(this.next++, t);
    }
  }

  /** Ms from `nowMs` until the next request is due (0 when overdue); undefined when done. */
  waitMs(nowMs: number): number | undefined {
    if (this.done) return undefined;
    return Math.max(0, this.timeOf(this.next) - nowMs);
  }

  /** Stops the schedule: nothing more is handed out. Returns how many were never handed out. */
  cancel(): number {
    const left = this.total - this.next;
    this.next = this.total;
    return left;
  }
}
