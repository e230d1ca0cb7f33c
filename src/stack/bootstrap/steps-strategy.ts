import { formatArgv } from '../../ports/command-runner.js';
import type { LabStrategy, LabWait } from '../strategies/lab-strategy.js';
import { labDatabaseRole } from '../strategies/names.js';
import { configureLabRole, strategyDatabaseRoleWrite } from '../vault-config.js';
import type { StackContext } from './context.js';
import type { Step } from './step.js';
import { applyObjects, installReleaseStep } from './steps-infra.js';
import { attemptSeconds, cadence, fromCheck, pollUntil } from './wait.js';

/*
 * Issue 12: the steps of one lab strategy, run after the base lab (whose Vault release already
 * carries the strategy's chart values, manifests/helm.ts): its charts, its Vault role and policy,
 * what must be ready before its objects, its objects, then what its objects must reach. Each step
 * converges like the base ones: helm upgrade --install, Vault writes that overwrite, server-side apply.
 */

/** Every step of `s`, in order. */
export function strategySteps(s: LabStrategy, cfg: StackContext['cfg']): Step[] {
  return [
    ...s.releases(cfg).map((r, i) =>
      installReleaseStep(`${r.chart.split('/')[1] ?? r.chart} for ${s.name}`, 'strategy', (ctx) => s.releases(ctx.cfg)[i] ?? r)),
    roleStep(s),
    ...s.before(cfg).map((w, i) => labWaitStep(s, (c) => s.before(c.cfg)[i] ?? w)),
    objectsStep(s),
    ...s.after(cfg).map((w, i) => labWaitStep(s, (c) => s.after(c.cfg)[i] ?? w)),
  ];
}

/** The strategy's policy and Kubernetes-auth role (the auth method is the base lab's). */
function roleStep(s: LabStrategy): Step {
  return {
    title: (ctx) => {
      const r = s.vaultRole(ctx.cfg);
      const db = labDatabaseRole(ctx.cfg.vault.role, s.name);
      return `Configuring Vault database role ${db}, auth role ${r.role} and policy ${r.policy} for ${s.name} (service account ${r.namespace}/${r.serviceAccount})`;
    },
    component: 'vault',
    async run(ctx) {
      if (!ctx.vault) throw new Error('Vault session not open');
      const db = strategyDatabaseRoleWrite(ctx.cfg, s.name);
      await ctx.vault.api.write(db.path, db.body);
      for (const w of await configureLabRole(ctx.vault.api, ctx.cfg, s.vaultRole(ctx.cfg))) ctx.log(`  Vault warning: ${w}`);
    },
  };
}

/** Server-side applies the strategy's objects (Namespace first, so state records it when created). */
function objectsStep(s: LabStrategy): Step {
  return {
    title: (ctx) => `Applying ${s.name} objects and the demo app (namespace ${s.namespace(ctx.cfg)})`,
    component: 'strategy',
    async run(ctx) {
      const objects = s.objects(ctx.cfg, { bundle: await ctx.io.readDemoAppBundle() });
      await applyObjects(ctx, objects);
      return `${objects.length} objects`;
    },
  };
}

/** Polls the wait's kubectl command until it exits 0, every `waits.interval` up to `waits.timeout`. */
export function labWaitStep(s: LabStrategy, pick: (ctx: StackContext) => LabWait): Step {
  return {
    title: (ctx) => `Waiting for ${pick(ctx).title} (${s.name}, ${cadence(ctx.cfg.waits.intervalMs, ctx.cfg.waits.timeoutMs)})`,
    component: 'strategy',
    async run(ctx) {
      const w = pick(ctx);
      const argv = ['kubectl', '--context', ctx.kubeContext, ...withTimeout(w.kubectl, attemptSeconds(ctx))];
      await pollUntil(ctx, w.title, async () => {
        const r = await ctx.runner.run(argv, { allowFailure: true, signal: ctx.signal });
        return fromCheck({ ...r, command: formatArgv(argv) });
      });
    },
  };
}

/** `kubectl wait` and `rollout status` block up to `--timeout`: one attempt may take one interval. */
function withTimeout(argv: readonly string[], seconds: number): string[] {
  const blocking = argv[0] === 'wait' || (argv[0] === 'rollout' && argv[1] === 'status');
  return blocking && !argv.some((a) => a.startsWith('--timeout')) ? [...argv, `--timeout=${seconds}s`] : [...argv];
}
