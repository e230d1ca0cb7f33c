import { availableParallelism } from 'node:os';
import { loadWorkerCount } from '../../scenario/load-workers.js';
import type { ScheduledAction } from '../rotation-schedule.js';
import { planRotations } from '../rotation-schedule.js';
import { rolloutBudgetMs } from '../rollout-budget.js';
import { step } from '../run-step.js';
import type { PlannedRotation, RunningWorkload, Target } from '../target.js';
import type { LocalTargetDeps } from './local-deps.js';
import { buildLocalStack, type LocalContext, type LocalStack } from './local-stack.js';
import { LocalSupervisor } from './supervisor.js';
import { RotationDriver, emitIssued } from './rotation-driver.js';
import { machineFor, perReplicaLeases, type StrategyMachine } from './strategies/index.js';
import { firstCredentials } from './strategies/static-role.js';
import { appHeldCredentials, isDirect, requireVaultForDirect } from './strategies/direct.js';
import { appLeaseReader, type AppLeaseReader } from './strategies/direct-app-leases.js';
import { inheritedEnv, workloadEnv } from './workload-env.js';
import { watchDatabase, type DatabaseWatch } from './database-watch.js';

/**
 * `target: local`: embedded Postgres, an issuer, a kube-proxy-like Service on loopback and
 * replicas under a supervisor that follows the Kubernetes termination sequence. A Postgres that
 * dies on the way ends the run at once: `database_failed`, load and rotations stopped, ExternalError (exit 4).
 */
export function localTarget(deps: LocalTargetDeps): Target {
  return {
    async prepare(target) {
      requireVaultForDirect(target.scenario);
      const ctx: LocalContext = { ...target, deps };
      const stack = await buildLocalStack(ctx);
      let driver: RotationDriver | undefined;
      const db = watchDatabase(ctx, stack.server, () => driver?.halt());
      ctx.cleanup.defer('stop watching postgres', () => db.stop());
      return {
        startWorkload: () => db.explain(async () => {
          const workload = await startReplicas(ctx, stack, db);
          driver = workload.driver;
          return workload.running;
        }),
      };
    },
  };
}

/** Issues the first credentials and starts the replicas; the driver rotates them from then on. */
async function startReplicas(ctx: LocalContext, stack: LocalStack, db: DatabaseWatch):
  Promise<{ driver: RotationDriver; running: RunningWorkload }> {
  const s = ctx.scenario;
  // Steps and the load stop on Ctrl-C and on a dead database alike; only the former is an interrupt.
  const run: LocalContext = { ...ctx, signal: db.signal };
  // direct: the app reads its own credentials from Vault and reports its leases on stdout.
  const app = isDirect(s) ? appLeaseReader(ctx, stack.issuer) : undefined;
  // csi, vault-env: no shared first set; each replica gets its own at its start (ReplicaLeases).
  const perReplica = perReplicaLeases(run, stack.issuer);
  const initial = app ? appHeldCredentials(ctx.now()) : perReplica ? undefined : await firstCredentials(s, stack.issuer);
  if (!app && initial) emitIssued(ctx, initial, stack.issuer.name);
  const supervisor = new LocalSupervisor({
    workload: s.workload, delivery: s.delivery,
    command: s.workload.command ?? ctx.deps.demoAppCommand(),
    baseEnv: { ...inheritedEnv(ctx.env), ...workloadEnv(s, stack.postgres, app && stack.vault) },
    proxy: stack.proxy, events: ctx.events, clock: { now: ctx.now, wallClock: () => new Date() },
    secrets: ctx.secrets, spawner: stack.spawner, ledger: stack.ledger, log: (line) => ctx.reporter.info(`  ${line}`),
    onReplicaOutput: (replica, chunk) => {
      app?.read(replica, chunk);
      ctx.replicaOutput(replica, chunk);
    },
    // Ctrl-C or a dead database: replicas exiting from then on are the run ending, not crashes.
    signal: run.signal,
    perReplica, startSpreadMs: s.delivery.startSpreadMs,
  });
  perReplica?.attach(supervisor);
  ctx.cleanup.defer('stop replicas', () => supervisor.stop());
  await step(run, `Starting ${s.workload.replicas} ${s.workload.replicas === 1 ? 'replica' : 'replicas'}`,
    () => db.guard(supervisor.start(initial)));
  const first = initial ?? perReplica!.first();
  const driver = new RotationDriver(ctx, stack.issuer, supervisor, first);
  const machine = machineFor({ scenario: s, driver, initial: first, replicas: perReplica });
  const workers = loadWorkerCount(s.load.workers, availableParallelism(), s.load.rate);
  if (workers > 0) {
    ctx.reporter.info(`• Load workers: ${workers === 1 ? '1 process sends the schedule' : `${workers} processes send the schedule between them`}; ` +
      'this one merges their outcomes' +
      (stack.proxy.endpoints ? ', and each routes its own connections to the replicas, as its node\'s kube-proxy would' : ''));
  }
  const running: RunningWorkload = {
    url: stack.proxy.url,
    signal: run.signal,
    ...(workers > 0 ? { load: ctx.deps.loadWorkers({ spawner: stack.spawner, workers, endpoints: stack.proxy.endpoints }) } : {}),
    counts: () => supervisor.counts(),
    // The strategy plans its own new credentials and renewals; `at` and `revoke` come from the shared schedule.
    rotations: (measureFromMs) => {
      driver.originMs = measureFromMs;
      const shared = planRotations(s, measureFromMs).filter((a) => a.action !== 'refresh')
        .flatMap((a) => localRotation(machine, driver, a, app));
      return [...machine.plan(measureFromMs, measureFromMs + s.load.durationMs), ...shared].sort((a, b) => a.atMs - b.atMs);
    },
    async finish(interrupted) {
      if (interrupted || db.failed()) driver.halt();
      else {
        await db.guard(settleWithin(driver, rolloutBudgetMs(s), (line) => ctx.reporter.info(`  ${line}`)));
        await db.guard(machine.finish?.() ?? Promise.resolve());
      }
      if (db.failed()) throw await db.error();
    },
    cause: async (err) => (db.failed() ? db.error() : err),
  };
  return { driver, running };
}

/**
 * Waits for rollouts still in progress, at most `budgetMs`; those still rolling then are left to the
 * cleanup and show as incomplete in the report (their rollout_completed never came).
 */
async function settleWithin(driver: RotationDriver, budgetMs: number, log: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), budgetMs); });
  const outcome = await Promise.race([driver.settle().then(() => 'settled' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') log(`rollouts still in progress ${Math.round(budgetMs / 1000)}s after the load: reported incomplete`);
}

/**
 * `at` (the strategy's way) and `revoke` (the live lease); refresh ticks are the strategy's own plan,
 * root rotations a Vault-in-the-cluster feature. The driver records its own failures (rotation_failed).
 */
function localRotation(machine: StrategyMachine, driver: RotationDriver, a: ScheduledAction, app?: AppLeaseReader): PlannedRotation[] {
  if (a.action === 'at') return [{ atMs: a.atMs, trigger: 'at', run: () => machine.rotateAt() }];
  // direct: the live leases are the app's own.
  if (a.action === 'revoke') return [{ atMs: a.atMs, trigger: 'revoke', run: () => (app ? app.revokeCurrent() : driver.revokeLive()) }];
  return [];
}
