import type { OutcomeSink } from '../../ports/outcomes.js';
import { loadStartTime, runLoad } from '../run-load.js';
import type { TargetRunHooks, TargetRunResult } from '../run-types.js';
import type { LocalContext } from './local-stack.js';
import { buildLocalStack } from './local-stack.js';
import { step } from '../run-step.js';
import { LocalSupervisor } from './supervisor.js';
import { planRotations } from './rotation-schedule.js';
import { RotationDriver, emitIssued } from './rotation-driver.js';
import { inheritedEnv, workloadEnv } from './workload-env.js';
import { watchDatabase } from './database-watch.js';

/** Times of a local run on the run clock, and what the load generator counted. */
export type LocalRunResult = TargetRunResult;

/** Hooks the caller (live view) may observe; replica counts come from the supervisor. */
export type LocalRunHooks = TargetRunHooks;

/**
 * Runs a `target: local` scenario: stack up, replicas ready, then load with rotations on
 * schedule. Cleanups are pushed on ctx.cleanup; the caller runs them. A Postgres that dies on the
 * way ends the run at once: `database_failed`, load and rotations stopped, ExternalError (exit 4).
 */
export async function runLocalScenario(ctx: LocalContext, outcomes: OutcomeSink,
  hooks: LocalRunHooks = {}): Promise<LocalRunResult> {
  const s = ctx.scenario;
  const stack = await buildLocalStack(ctx);
  let driver: RotationDriver | undefined;
  let timers: NodeJS.Timeout[] = [];
  const stopRotations = () => {
    timers.forEach(clearTimeout);
    driver?.halt();
  };
  const db = watchDatabase(ctx, stack.server, stopRotations);
  ctx.cleanup.defer('stop watching postgres', () => db.stop());
  // Steps and the load stop on Ctrl-C and on a dead database alike; only the former is an interrupt.
  const run: LocalContext = { ...ctx, signal: db.signal };
  try {
    const initial = await stack.issuer.issue();
    emitIssued(ctx, initial, stack.issuer.name);

    const supervisor = new LocalSupervisor({
      workload: s.workload, delivery: s.delivery,
      command: s.workload.command ?? ctx.deps.demoAppCommand(),
      baseEnv: { ...inheritedEnv(ctx.env), ...workloadEnv(s, stack.postgres) },
      proxy: stack.proxy, events: ctx.events, clock: { now: ctx.now, wallClock: () => new Date() },
      secrets: ctx.secrets, spawner: stack.spawner, ledger: stack.ledger, log: (line) => ctx.reporter.info(`  ${line}`),
      // Ctrl-C or a dead database: replicas exiting from then on are the run ending, not crashes.
      signal: run.signal,
    });
    ctx.cleanup.defer('stop replicas', () => supervisor.stop());
    await step(run, `Starting ${s.workload.replicas} ${s.workload.replicas === 1 ? 'replica' : 'replicas'}`,
      () => db.guard(supervisor.start(initial)));

    const loadStartMs = loadStartTime(ctx.now(), s.analysis.binMs);
    const measureFromMs = loadStartMs + s.load.warmUpMs;
    const measureToMs = measureFromMs + s.load.durationMs;
    const rotations = new RotationDriver(ctx, stack.issuer, supervisor, initial, measureFromMs);
    driver = rotations;
    timers = planRotations(s, measureFromMs).map((a) =>
      setTimeout(() => {
        // The driver records its own failures (rotation_failed).
        void (a.action === 'revoke' ? rotations.revokeLive() : rotations.rotate(a.action === 'at' ? 'at' : 'refresh'));
      }, Math.max(0, a.atMs - ctx.now())),
    );
    ctx.cleanup.defer('cancel rotations', stopRotations);

    hooks.onLoadStart?.({ counts: () => supervisor.counts(), measureFromMs, endMs: measureToMs });
    const load = await runLoad(run, stack.proxy.url, outcomes, loadStartMs);
    timers.forEach(clearTimeout);
    const interrupted = ctx.signal.aborted;
    if (interrupted || db.failed()) rotations.halt();
    else await db.guard(rotations.settle());
    if (db.failed()) throw await db.error();
    return { loadStartMs, measureFromMs, measureToMs: Math.min(measureToMs, ctx.now()), load, interrupted };
  } catch (err) {
    // A dead database is the cause of whatever failed after it; the run ends with that reason.
    if (db.failed()) throw await db.error();
    throw err;
  }
}
