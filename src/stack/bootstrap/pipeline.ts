import type { Reporter } from '../../ports/reporter.js';
import { VaultctlError } from '../../errors/errors.js';
import type { StackContext } from './context.js';
import { printDiagnostics } from './diagnostics.js';
import { removeOwned } from './remove.js';
import type { Step } from './step.js';
import { strategySteps } from './steps-strategy.js';
import { reloaderSteps } from './steps-reloader.js';
import {
  clusterStep, helmReposStep, postgresStep, prerequisitesStep, releaseStep, secretsStep,
} from './steps-infra.js';
import {
  appStep, vaultAuthStep, vaultDatabaseStep, waitAppStep, waitExternalSecretStep, waitPostgresStep, waitVaultStep,
} from './steps-configure.js';

/**
 * Every bootstrap step, in order: the base lab, then each strategy's steps (steps-strategy.ts).
 * Each one converges: re-running skips or overwrites what exists.
 */
export function bootstrapSteps(lab?: Pick<StackContext, 'cfg' | 'strategies'> & Partial<Pick<StackContext, 'state'>>): Step[] {
  const strategies = lab ? lab.strategies.flatMap((s) => strategySteps(s, lab.cfg)) : [];
  return [...baseSteps(lab), ...strategies];
}

/**
 * The base lab (secret-sync-restart): Vault, Postgres, ESO, Wave or Reloader (and the removal of
 * the other one when an earlier run installed it: steps-reloader.ts), the demo app in `cfg.namespace`.
 */
function baseSteps(lab?: Pick<StackContext, 'cfg'> & Partial<Pick<StackContext, 'state'>>): Step[] {
  return [
    prerequisitesStep,
    clusterStep,
    secretsStep,
    helmReposStep,
    releaseStep(0, 'Vault', 'vault'),
    postgresStep,
    releaseStep(1, 'External Secrets Operator', 'eso'),
    ...reloaderSteps(lab),
    waitPostgresStep,
    waitVaultStep,
    vaultAuthStep,
    vaultDatabaseStep,
    appStep,
    waitExternalSecretStep,
    waitAppStep,
  ];
}

/** Hooks of {@link runPipeline}. */
export interface PipelineOptions {
  reporter: Reporter;
  /** Keep what this run created when a step fails (kind's `--retain`). */
  retain: boolean;
  /** Called with each step title before it runs (the dry-run plan's headings). */
  onStep?(title: string): void;
  /** Called after each step that succeeded (persists the state file). */
  afterStep?(ctx: StackContext): Promise<void>;
}

/**
 * Runs `steps` in order with a ✓/✗ line each. On failure: prints the failed component's logs and
 * events, removes what THIS run created unless `retain`, and rethrows. Closes the Vault session.
 */
export async function runPipeline(ctx: StackContext, steps: Step[], opts: PipelineOptions): Promise<void> {
  try {
    for (const step of steps) {
      const title = step.title(ctx);
      opts.onStep?.(title);
      const handle = opts.reporter.step(title);
      try {
        const detail = await step.run(ctx);
        handle.done(detail || undefined);
      } catch (err) {
        handle.fail(err instanceof VaultctlError ? err.message.split('\n')[0] : undefined);
        await afterFailure(ctx, step, opts);
        throw err;
      }
      await opts.afterStep?.(ctx);
    }
  } finally {
    await ctx.vault?.close().catch(() => undefined);
    ctx.vault = undefined;
  }
}

async function afterFailure(ctx: StackContext, step: Step, opts: PipelineOptions): Promise<void> {
  // Diagnostics and cleanup are best effort: the step's own error is what the user needs.
  await printDiagnostics(ctx, step.component).catch(() => undefined);
  if (opts.retain) {
    opts.reporter.info('--retain: keeping what this run created; `vaultctl teardown` removes it');
    await opts.afterStep?.(ctx).catch(() => undefined);
    return;
  }
  const now = ctx.createdNow;
  if (!now.cluster && now.releases.length === 0 && now.namespaces.length === 0) return;
  const h = opts.reporter.step('Removing what this bootstrap created (use --retain to keep it)');
  try {
    await ctx.vault?.close().catch(() => undefined);
    ctx.vault = undefined;
    // The app namespace may have existed: the ESO objects this run applied there go with ESO.
    await removeOwned(ctx, { cluster: now.cluster, releases: now.releases, namespaces: now.namespaces, keptNamespaces: [ctx.cfg.namespace] });
    h.done();
  } catch (err) {
    h.fail(err instanceof Error ? err.message.split('\n')[0] : String(err));
    if (err instanceof VaultctlError && err.hint) opts.reporter.info(`hint: ${err.hint}`);
  }
}
