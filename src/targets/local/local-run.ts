import type { OutcomeSink } from '../../ports/outcomes.js';
import { runLoad } from '../run-load.js';
import type { TargetRunHooks, TargetRunResult } from '../run-types.js';
import type { LocalContext } from './local-stack.js';
import { buildLocalStack } from './local-stack.js';
import { step } from '../run-step.js';
import { LocalSupervisor } from './supervisor.js';
import { planRotations } from './rotation-schedule.js';
import { RotationDriver, emitIssued } from './rotation-driver.js';
import { inheritedEnv, workloadEnv } from './workload-env.js';

/** Times of a local run on the run clock, and what the load generator counted. */
export type LocalRunResult = TargetRunResult;

/** Hooks the caller (live view) may observe; replica counts come from the supervisor. */
export type LocalRunHooks = TargetRunHooks;

/**
 * Runs a `target: local` scenario: stack up, replicas ready, then load with rotations on
 * schedule. Cleanups are pushed on ctx.cleanup; the caller runs them.
 */
export async function runLocalScenario(ctx: LocalContext, outcomes: OutcomeSink,
  hooks: LocalRunHooks = {}): Promise<LocalRunResult> {
  const s = ctx.scenario;
  const stack = await buildLocalStack(ctx);
  const initial = await stack.issuer.issue();
  emitIssued(ctx, initial, stack.issuer.name);

  const supervisor = new LocalSupervisor({
    workload: s.workload, delivery: s.delivery,
    command: s.workload.command ?? ctx.deps.demoAppCommand(),
    baseEnv: { ...inheritedEnv(ctx.env), ...workloadEnv(s, stack.postgres) },
    proxy: stack.proxy, events: ctx.events, clock: { now: ctx.now, wallClock: () => new Date() },
    secrets: ctx.secrets, log: (line) => ctx.reporter.info(`  ${line}`),
  });
  ctx.cleanup.defer('stop replicas', () => supervisor.stop());
  await step(ctx, `Starting ${s.workload.replicas} ${s.workload.replicas === 1 ? 'replica' : 'replicas'}`,
    () => supervisor.start(initial));

  const driver = new RotationDriver(ctx, stack.issuer, supervisor, initial);
  const loadStartMs = ctx.now();
  const measureFromMs = loadStartMs + s.load.warmUpMs;
  const measureToMs = measureFromMs + s.load.durationMs;
  const timers = planRotations(s, measureFromMs).map((a) =>
    setTimeout(() => {
      const run = a.action === 'revoke' ? driver.revokeLive() : driver.rotate(a.action === 'at' ? 'at' : 'refresh');
      run.catch((err: unknown) => driver.warn(err));
    }, Math.max(0, a.atMs - ctx.now())),
  );
  ctx.cleanup.defer('cancel rotations', () => timers.forEach(clearTimeout));

  hooks.onLoadStart?.({ counts: () => supervisor.counts(), measureFromMs, endMs: measureToMs });
  const load = await runLoad(ctx, stack.proxy.url, outcomes, loadStartMs);
  timers.forEach(clearTimeout);
  const interrupted = ctx.signal.aborted;
  if (!interrupted) await driver.settle();
  return { loadStartMs, measureFromMs, measureToMs: Math.min(measureToMs, ctx.now()), load, interrupted };
}
