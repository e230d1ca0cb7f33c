import type { Scenario } from '../scenario/model.js';
import type { EventSink } from '../ports/events.js';
import type { LoadGenerator, LoadSummary } from '../ports/load.js';
import type { OutcomeSink } from '../ports/outcomes.js';
import type { Reporter } from '../ports/reporter.js';

/** What sending a scenario's load needs, whatever the target. */
export interface LoadContext {
  scenario: Scenario;
  deps: { load: LoadGenerator };
  events: EventSink;
  reporter: Reporter;
  now(): number;
  signal: AbortSignal;
}

/**
 * When the load schedule starts: the next recorder bin boundary after now. Analysis attributes
 * whole bins, so a schedule and a measured range that start on a boundary (and last whole bins)
 * put every scheduled request in exactly one window, the first and the last included.
 */
export function loadStartTime(nowMs: number, binMs: number): number {
  return Math.ceil(nowMs / binMs) * binMs;
}

/**
 * Sends the scenario's load (warm-up + duration) to `url`, between load_started and load_finished
 * events, streaming outcomes to the recorder. Same for every target.
 */
export async function runLoad(ctx: LoadContext, url: string, outcomes: OutcomeSink, loadStartMs: number): Promise<LoadSummary> {
  const s = ctx.scenario;
  ctx.events.emit({ t: loadStartMs, type: 'load_started' });
  const secs = (s.load.warmUpMs + s.load.durationMs) / 1000;
  ctx.reporter.info(s.load.rate === 'max'
    ? `• Load: closed loop at max rate (each of ${s.load.connections} connections waits for its answer), ${secs}s → ${url}`
    : `• Load: open model, ${s.load.rate} req/s on schedule, ${s.load.connections} ${s.load.keepAlive ? 'kept-alive connections' : 'connections (one per request)'}, ` +
      `up to ${s.load.maxInFlight} in flight, ${secs}s → ${url}`);
  const load = await ctx.deps.load.run({
    url, rate: s.load.rate, connections: s.load.connections, maxInFlight: s.load.maxInFlight, keepAlive: s.load.keepAlive,
    durationMs: s.load.warmUpMs + s.load.durationMs, timeoutMs: s.load.timeoutMs,
    request: s.load.request, success: s.load.success,
  }, outcomes, { now: ctx.now, signal: ctx.signal, startMs: loadStartMs });
  ctx.events.emit({ t: ctx.now(), type: 'load_finished' });
  return load;
}
