import type { OutcomeSink } from '../ports/outcomes.js';
import type { LoadGenerator } from '../ports/load.js';
import { loadPlan, loadStartTime, measuredRange } from '../load/load-plan.js';
import { runLoad } from './run-load.js';
import { abortableSleep } from '../runtime/timers.js';
import { recordRotationFailure } from './rotation-failure.js';
import type { TargetRunHooks, TargetRunResult } from './run-types.js';
import type { Target, TargetContext } from './target.js';

/**
 * Runs a scenario on a target: prepare, start the workload, then the load on a bin boundary with
 * the target's rotations on schedule, then finish. The same for every target; the target only
 * says how its pieces start and how rotations reach them. Cleanups are pushed on ctx.cleanup.
 */
export async function runTarget(target: Target, ctx: TargetContext, load: LoadGenerator, outcomes: OutcomeSink,
  hooks: TargetRunHooks = {}): Promise<TargetRunResult> {
  const s = ctx.scenario;
  const prepared = await target.prepare(ctx);
  const workload = await prepared.startWorkload();
  const timers: NodeJS.Timeout[] = [];
  const cancelRotations = () => timers.forEach(clearTimeout);
  try {
    const generator = workload.load ?? load;
    const plan = loadPlan(s, workload.url);
    // Load workers start (and their clocks are measured) before the start instant is fixed.
    const fixed = await generator.prepare?.(plan, { now: ctx.now, signal: workload.signal });
    const loadStartMs = fixed ? fixed.startMs : loadStartTime(ctx.now(), s.analysis.binMs);
    // A start fixed ahead (a Job's pods are told it when created): the run's clock waits for it, so
    // its events and rotations stay in order with the load's.
    if (fixed) await abortableSleep(Math.max(0, fixed.startMs - ctx.now()), workload.signal);
    const { measureFromMs, measureToMs } = measuredRange(s, loadStartMs);
    for (const r of workload.rotations(measureFromMs)) {
      timers.push(setTimeout(() => {
        r.run().catch((err: unknown) => recordRotationFailure(ctx, r.trigger, r.atMs, measureFromMs, err));
      }, Math.max(0, r.atMs - ctx.now())));
    }
    ctx.cleanup.defer('cancel rotations', cancelRotations);
    hooks.onLoadStart?.({ counts: () => workload.counts(), measureFromMs, endMs: measureToMs });
    const summary = await runLoad({ ...ctx, deps: { load: generator }, signal: workload.signal }, plan, outcomes, loadStartMs);
    cancelRotations();
    const interrupted = ctx.signal.aborted;
    await workload.finish(interrupted);
    return { loadStartMs, measureFromMs, measureToMs: Math.min(measureToMs, ctx.now()), load: summary, interrupted };
  } catch (err) {
    cancelRotations();
    throw await workload.cause(err);
  }
}
