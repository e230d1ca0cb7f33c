import type { Scenario } from '../scenario/model.js';
import type { EventSink } from '../ports/events.js';
import type { LoadGenerator, LoadPlan, LoadSummary } from '../ports/load.js';
import type { OutcomeSink } from '../ports/outcomes.js';
import type { Reporter } from '../ports/reporter.js';
import { loadDescription } from '../load/load-plan.js';

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
 * Sends the scenario's load (warm-up + duration) to `url`, between load_started and load_finished
 * events, streaming outcomes to the recorder. Same for every target.
 */
export async function runLoad(ctx: LoadContext, plan: LoadPlan, outcomes: OutcomeSink, loadStartMs: number): Promise<LoadSummary> {
  ctx.events.emit({ t: loadStartMs, type: 'load_started' });
  ctx.reporter.info(`• Load: ${loadDescription(ctx.scenario, plan.url)}`);
  const load = await ctx.deps.load.run(plan, outcomes, { now: ctx.now, signal: ctx.signal, startMs: loadStartMs, events: ctx.events });
  ctx.events.emit({ t: ctx.now(), type: 'load_finished' });
  return load;
}
