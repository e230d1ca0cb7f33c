import type { Scenario } from '../scenario/model.js';
import type { LoadPlan } from '../ports/load.js';

/**
 * When the load schedule starts: the next recorder bin boundary after now. Analysis attributes
 * whole bins, so a schedule and a measured range that start on a boundary (and last whole bins)
 * put every scheduled request in exactly one window, the first and the last included.
 */
export function loadStartTime(nowMs: number, binMs: number): number {
  return Math.ceil(nowMs / binMs) * binMs;
}

/** The measured range of a load that starts at `loadStartMs`: after the warm-up, for `duration`. */
export function measuredRange(s: Scenario, loadStartMs: number): { measureFromMs: number; measureToMs: number } {
  const measureFromMs = loadStartMs + s.load.warmUpMs;
  return { measureFromMs, measureToMs: measureFromMs + s.load.durationMs };
}

/** What the load generator is asked to send to `url` for a scenario (warm-up included). */
export function loadPlan(s: Scenario, url: string): LoadPlan {
  const l = s.load;
  return {
    url, rate: l.rate, connections: l.connections, maxInFlight: l.maxInFlight, keepAlive: l.keepAlive,
    durationMs: l.warmUpMs + l.durationMs, timeoutMs: l.timeoutMs, request: l.request, success: l.success,
  };
}

/** The progress line that says how the load is sent. */
export function loadDescription(s: Scenario, url: string): string {
  const l = s.load;
  const secs = (l.warmUpMs + l.durationMs) / 1000;
  return l.rate === 'max'
    ? `closed loop at max rate (each of ${l.connections} connections waits for its answer), ${secs}s → ${url}`
    : `open model, ${l.rate} req/s on schedule, ${l.connections} ${l.keepAlive ? 'kept-alive connections' : 'connections (one per request)'}, ` +
      `up to ${l.maxInFlight} in flight, ${secs}s → ${url}`;
}
