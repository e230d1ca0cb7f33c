import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Runtime } from '../runtime/runtime.js';
import type { SecretRegistry } from '../errors/redact.js';
import type { CommandRunner } from '../ports/command-runner.js';
import type { VaultApi } from '../ports/vault.js';
import { createLineReporter } from '../ui/line-reporter.js';
import { loadLabConfig } from '../stack/config/loader.js';
import { applyOverrides, type StackOverrides } from '../stack/config/overrides.js';
import type { StackConfig } from '../stack/stack-config.js';
import { createStackContext, type StackContext, type StackIo } from '../stack/bootstrap/context.js';
import { bootstrapSteps, runPipeline } from '../stack/bootstrap/pipeline.js';
import { Plan } from '../stack/bootstrap/plan.js';
import { readState, removeState, writeState, type StackState } from '../stack/state.js';
import { selectedStrategies, type LabStrategyTable } from '../stack/strategies/index.js';

/**
 * What bootstrap, teardown and doctor need from outside the process; built in cli/main.ts
 * (`createCliDeps().stack`), faked in tests.
 */
export interface BootstrapDeps {
  /** The command runner for this process (execa), redacting through `secrets`. */
  createRunner(secrets: SecretRegistry): CommandRunner;
  createVaultApi(opts: { endpoint: string; token: string }): VaultApi;
  readDemoAppBundle(): Promise<string>;
  /** The vaultctl package root (helm values files live under manifests/). */
  packageRoot: string;
  /** Pause between polls; default a real timer. */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
  /** The lab strategies to install from; default the ones this build ships (stack/strategies/index.ts). */
  labStrategies?: LabStrategyTable;
}

/** Options shared by the stack commands: where the config is and what overrides it. */
export interface StackCommandOptions {
  config?: string;
  kubeContext?: string;
  name?: string;
}

export interface BootstrapOptions extends StackCommandOptions {
  /** `--strategies a,b`: replaces the config's `strategies`. */
  strategies?: string[];
  /** `--reloader wave|stakater`: replaces the config's `reloader`. */
  reloader?: string;
  retain: boolean;
  dryRun: boolean;
  quiet: boolean;
}

/**
 * `vaultctl bootstrap`: kind (or an existing context) + Vault + Postgres + ESO + Wave + the demo
 * app, configured and verified. Idempotent. With `dryRun` the same pipeline runs against a
 * recording runner and Vault API and the plan is printed on stdout; nothing is touched.
 */
export async function bootstrap(rt: Runtime, deps: BootstrapDeps, opts: BootstrapOptions): Promise<void> {
  const cfg = await loadStackConfig(rt, opts);
  const strategies = selectedStrategies(cfg, deps.labStrategies);
  const reporter = createLineReporter(rt, { quiet: opts.quiet || opts.dryRun });
  if (opts.dryRun) {
    const plan = new Plan();
    const ctx = createStackContext({ cfg, runner: plan.runner(), io: stackIo(rt, deps, () => plan.vaultApi()), secrets: rt.secrets,
      log: (l) => reporter.info(l), signal: rt.signal, strategies });
    await runPipeline(ctx, bootstrapSteps(ctx), { reporter, retain: true, onStep: (t) => plan.step(t) });
    rt.stdout.write(`# vaultctl bootstrap --dry-run: the plan for a machine where nothing is installed yet.\n` +
      `# Nothing was run. Secrets are shown as ***. A real run skips or converges what already exists.\n\n` +
      plan.render((s) => rt.secrets.redact(s)));
    return;
  }
  const previous = await readState(rt.env);
  const ctx = stackContext(rt, deps, cfg, previous);
  ctx.strategies = strategies;
  const dropped = (previous?.strategies ?? []).filter((p) => !strategies.some((s) => s.name === p.name)).map((p) => p.name);
  if (dropped.length > 0) {
    // The Vault release is upgraded with this run's values only: an earlier strategy's injector or CSI provider would go.
    reporter.info(`note: ${dropped.join(', ')} (installed by an earlier bootstrap) ${dropped.length === 1 ? 'is' : 'are'} not selected now; ` +
      `the Vault chart loses ${dropped.length === 1 ? 'its' : 'their'} values. Keep ${dropped.length === 1 ? 'it' : 'them'} with --strategies ${[...cfg.strategies, ...dropped].join(',')}`);
  }
  ctx.state.strategies = mergeStrategies(ctx.state.strategies, strategies.map((s) => ({ name: s.name, namespace: s.namespace(cfg) })));
  try {
    await runPipeline(ctx, bootstrapSteps(ctx), {
      reporter, retain: opts.retain, afterStep: (c) => saveState(rt, c),
    });
  } catch (err) {
    // Without --retain the pipeline removed what this run made: the state goes back to before.
    if (!opts.retain) {
      if (previous) await writeState(rt.env, previous);
      else await removeState(rt.env);
    }
    throw err;
  }
  reporter.info(`Lab ready: context ${ctx.kubeContext}; run \`vaultctl doctor\` to check it, \`vaultctl teardown\` to remove it.`);
}

/** Loads vaultctl.yaml (or the defaults) and applies --name / --kube-context. */
export async function loadStackConfig(rt: Runtime, opts: StackCommandOptions & { strategies?: string[]; reloader?: string }): Promise<StackConfig> {
  const cfg = await loadLabConfig(opts.config ? resolve(rt.cwd, opts.config) : undefined, (p) => readFile(p, 'utf8'));
  const overrides: StackOverrides = {};
  if (opts.name !== undefined) overrides.clusterName = opts.name;
  if (opts.kubeContext !== undefined) overrides.kubeContext = opts.kubeContext;
  if (opts.strategies !== undefined) overrides.strategies = opts.strategies;
  if (opts.reloader !== undefined) overrides.reloader = opts.reloader;
  return applyOverrides(cfg, overrides);
}

/** A context over the real runner, for bootstrap, teardown and doctor. */
export function stackContext(rt: Runtime, deps: BootstrapDeps, cfg: StackConfig, previous?: StackState): StackContext {
  const log = (l: string) => rt.stderr.write(rt.secrets.redact(l) + '\n');
  return createStackContext({ cfg, runner: deps.createRunner(rt.secrets), io: stackIo(rt, deps, deps.createVaultApi), secrets: rt.secrets,
    log, signal: rt.signal, previous });
}

function stackIo(rt: Runtime, deps: BootstrapDeps, createVaultApi: StackIo['createVaultApi']): StackIo {
  return {
    createVaultApi,
    sleep: deps.sleep ?? ((ms, signal) => new Promise<void>((res) => {
      const t = setTimeout(res, ms);
      signal?.addEventListener('abort', () => { clearTimeout(t); res(); }, { once: true });
    })),
    now: () => rt.clock.now(),
    packageFile: (rel) => join(deps.packageRoot, rel),
    readDemoAppBundle: () => deps.readDemoAppBundle(),
  };
}

async function saveState(rt: Runtime, ctx: StackContext): Promise<void> {
  ctx.state.updatedAt = rt.clock.wallClock().toISOString();
  await writeState(rt.env, ctx.state);
}

/** The strategies of earlier runs stay recorded (their namespaces are still there) with this run's added. */
function mergeStrategies(before: StackState['strategies'], now: { name: string; namespace: string }[]): StackState['strategies'] {
  const out = [...(before ?? [])];
  for (const s of now) if (!out.some((o) => o.name === s.name)) out.push(s);
  return out.length > 0 ? out : undefined;
}
