import type { Scenario } from '../scenario/model.js';
import type { EventSink } from '../ports/events.js';
import type { LoadGenerator, LoadSummary } from '../ports/load.js';
import type { OutcomeSink } from '../ports/outcomes.js';
import type { Reporter } from '../cli/output.js';

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
  ctx.reporter.info(loadLine(load));
  return load;
}

/** One stderr line on what the generator did: asked vs sent, and who fell short. */
export function loadLine(l: LoadSummary): string {
  if (l.model === 'closed') return `• Load done: closed loop sent ${l.sent}, ${l.completed} answered, ${l.errors} errors`;
  const pct = l.scheduled > 0 ? ((100 * l.sent) / l.scheduled).toFixed(1) : '100.0';
  const why = l.limitedBy === 'max_in_flight' ? ' (in-flight cap reached: the workload answered too slowly for load.maxInFlight)'
    : l.limitedBy === 'generator' ? ' (vaultctl could not keep its own schedule: its CPU or event loop fell behind)' : '';
  return `• Load done: ${l.scheduled} scheduled, ${l.sent} sent (${pct}%), ${l.notSent} not sent${why}; ` +
    `send lag p99 ${l.lagMs?.p99 ?? 0}ms, max ${l.lagMs?.max ?? 0}ms`;
}
