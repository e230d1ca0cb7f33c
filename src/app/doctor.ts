import type { Runtime } from '../runtime/runtime.js';
import { ExternalError, PrerequisiteError, VaultctlError } from '../errors/errors.js';
import { createLineReporter } from '../ui/line-reporter.js';
import { checkPrerequisites } from '../stack/prerequisites.js';
import { componentChecks, type DoctorCheck } from '../stack/health.js';
import { readState } from '../stack/state.js';
import { Kind } from '../stack/tools/kind.js';
import { loadStackConfig, stackContext, type BootstrapDeps, type StackCommandOptions } from './bootstrap.js';
import { runScenarioChecks, type ScenarioCheck } from './timing-check.js';

export interface DoctorOptions extends StackCommandOptions {
  quiet: boolean;
  /** More checks after the component checks (issue 5: `doctor --scenario FILE`). */
  extraChecks?: DoctorCheck[];
  /**
   * Checks that need no lab (`doctor --scenario FILE`: timing risks). They run first; with any of
   * them, a missing lab (no state file, no --kube-context, prerequisites missing or no cluster) is
   * reported and the command still succeeds.
   */
  scenarioChecks?: ScenarioCheck[];
  /** With scenarioChecks: a timing danger exits 104. Warnings never change the exit code. */
  strict?: boolean;
}

/**
 * `vaultctl doctor`: the timing risks of `--scenario` files (no lab needed), prerequisites, then —
 * when a lab exists (state file, --kube-context, or a kind cluster of that name) — one ✓/✗ line
 * per component. Exit 0 when all pass, 4 when a lab check fails, 104 for an invalid scenario (or a
 * timing danger with --strict, checked before the lab).
 */
export async function doctor(rt: Runtime, deps: BootstrapDeps, opts: DoctorOptions): Promise<void> {
  const reporter = createLineReporter(rt, { quiet: opts.quiet });
  const state = await readState(rt.env);
  const cfg = await loadStackConfig(rt, opts);
  if (state && !opts.kubeContext && !opts.name) {
    cfg.clusterName = state.clusterName;
    if (state.mode === 'context') cfg.kubeContext = state.kubeContext;
  }
  const labOptional = (opts.scenarioChecks?.length ?? 0) > 0;
  if (labOptional) {
    const outcomes = await runScenarioChecks(opts.scenarioChecks!, { cfg, log: reporter.info, strict: Boolean(opts.strict) });
    // Local scenarios run on embedded Postgres and processes: Docker, kind and the lab do not matter to them.
    if (outcomes.every((o) => o.scenario.target === 'local') && !opts.kubeContext) {
      reporter.info('Local scenarios need no Docker and no lab: prerequisites and lab checks skipped (`vaultctl doctor` alone checks the lab).');
      return;
    }
  }
  const ctx = stackContext(rt, deps, cfg, state);
  const failed: string[] = [];

  const pre = reporter.step(`Prerequisites (${ctx.mode === 'kind' ? 'docker, kind, ' : ''}helm, kubectl)`);
  try {
    const found = await checkPrerequisites(ctx.runner, { kindMode: ctx.mode === 'kind', signal: rt.signal });
    pre.done(found.map((t) => `${t.name} ${t.version}`).join(', '));
  } catch (err) {
    pre.fail(err instanceof VaultctlError ? `${err.message}${err.hint ? ` (${err.hint})` : ''}` : String(err));
    // With --scenario the timing part stands alone: without a recorded lab there is nothing to check.
    if (labOptional && !state && ctx.mode === 'kind' && err instanceof PrerequisiteError) {
      reporter.info('No lab found (no state file, and the kind prerequisites are missing): lab checks skipped.');
      return;
    }
    throw err;
  }

  const exists = ctx.mode === 'context' || (await ctx.kind.getClusters()).includes(cfg.clusterName);
  if (!exists) {
    reporter.info(`No lab found (kind cluster "${cfg.clusterName}" does not exist): run \`vaultctl bootstrap\`.`);
    return;
  }
  reporter.info(`Lab: context ${ctx.mode === 'kind' ? Kind.contextOf(cfg.clusterName) : ctx.kubeContext}`);
  for (const check of [...componentChecks(ctx), ...(opts.extraChecks ?? [])]) {
    const h = reporter.step(check.title);
    try {
      const r = await check.run(ctx);
      if (r.ok) h.done(r.detail);
      else {
        h.fail(r.detail);
        failed.push(check.title);
      }
    } catch (err) {
      h.fail(err instanceof Error ? err.message.split('\n')[0] : String(err));
      failed.push(check.title);
    }
  }
  if (failed.length > 0) {
    throw new ExternalError(`${failed.length} of the lab's checks failed: ${failed.join('; ')}`, {
      hint: 're-run `vaultctl bootstrap` (it converges), or `vaultctl teardown && vaultctl bootstrap` for a fresh lab',
    });
  }
}
