import { namespaceObject } from '../manifests/types.js';
import { reloaderChart } from '../manifests/reloader.js';
import type { ReloaderName, StackConfig } from '../stack-config.js';
import type { Owned, StackState } from '../state.js';
import type { StackContext } from './context.js';
import type { Step } from './step.js';
import { applyObjects, installReleaseStep, releasesOf } from './steps-infra.js';

/** The base lab's third release (helm.ts): Wave's or Reloader's, as `cfg.reloader` says. */
const RELOADER_RELEASE_INDEX = 2;

/**
 * The steps that give the base lab its reloader (issue 12): install Wave or Stakater Reloader
 * (`cfg.reloader`), then, when an earlier bootstrap recorded the other one, uninstall it. The
 * demo app's annotation follows `cfg.reloader` (manifests/reloader.ts), so no Deployment carries
 * both: the app step's server-side apply (field manager vaultctl) removes the annotation it applied
 * before and applies no more (https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management).
 * What the old controller wrote on the pod template stays, unchanged from then on (rollout-rules.ts).
 */
export function reloaderSteps(lab?: { cfg: StackConfig; state?: StackState }): Step[] {
  const cfg = lab?.cfg;
  const steps = [cfg?.reloader === 'stakater' ? stakaterStep : waveStep];
  if (cfg && lab?.state && recordedRelease(lab.state, cfg, other(cfg.reloader))) steps.push(removeOtherStep);
  return steps;
}

/** Wave, as before the choice existed (same title, same component), now also recorded as the lab's reloader. */
const waveStep = recording('wave', installReleaseStep('Wave', 'wave', (ctx) => releasesOf(ctx)[RELOADER_RELEASE_INDEX]));

const stakaterInstall = installReleaseStep('Stakater Reloader', 'reloader', (ctx) => releasesOf(ctx)[RELOADER_RELEASE_INDEX]);

/**
 * Reloader in scoped mode: the chart creates its Role in the demo app's namespace
 * (`reloader.namespaces`, manifests/reloader.ts), so that namespace must exist before `helm
 * upgrade --install`; the app step applies the same Namespace object again later (server-side, a no-op).
 */
const stakaterStep: Step = recording('stakater', {
  title: (ctx) => `${stakaterInstall.title(ctx).replace(/\)$/, '')}, watching namespace ${ctx.cfg.namespace} only)`,
  component: 'reloader',
  async run(ctx) {
    await applyObjects(ctx, [namespaceObject(ctx.cfg.namespace)]);
    return stakaterInstall.run(ctx);
  },
});

/**
 * The controller an earlier bootstrap installed and this one does not want: its release goes (it
 * holds nothing else: Wave 0.11 sets no finalizers or owner references, wave-k8s/wave@v0.11.0
 * pkg/core/finalizer.go and children.go say both are migration-only), then its namespace when vaultctl created it
 * and no other release of the lab is in it. One vaultctl did not create is left alone, with a note.
 */
const removeOtherStep: Step = {
  title: (ctx) => {
    const from = reloaderChart(ctx.cfg, other(ctx.cfg.reloader));
    return `Removing ${from.label} (replaced by ${reloaderChart(ctx.cfg, ctx.cfg.reloader).label}; release ${from.chart.namespace}/${from.chart.release})`;
  },
  component: 'host',
  async run(ctx) {
    const rel = recordedRelease(ctx.state, ctx.cfg, other(ctx.cfg.reloader));
    if (!rel) return 'nothing recorded';
    const ns = rel.namespace ?? 'default';
    if (!rel.created) {
      return `left alone: ${ns}/${rel.name} was there before vaultctl; the demo app carries only ${reloaderChart(ctx.cfg, ctx.cfg.reloader).label}'s annotation`;
    }
    const done: string[] = [];
    if (await ctx.helm.status(rel.name, ns)) {
      await ctx.helm.uninstall(rel.name, ns);
      done.push(`helm release ${ns}/${rel.name}`);
    }
    ctx.state.releases = ctx.state.releases.filter((r) => r !== rel);
    const owned = ctx.state.namespaces.find((n) => n.name === ns);
    if (owned?.created && !ctx.state.releases.some((r) => r.namespace === ns) && !inUse(ctx, ns)) {
      await ctx.kubectl.deleteNamespace(ns);
      ctx.state.namespaces = ctx.state.namespaces.filter((n) => n !== owned);
      done.push(`namespace ${ns}`);
    }
    return done.length > 0 ? `removed ${done.join(', ')}` : 'already gone';
  },
};

/** Sets `state.reloader` once the step succeeded, so doctor and a later switch know what is installed. */
function recording(name: ReloaderName, step: Step): Step {
  return {
    ...step,
    async run(ctx) {
      const detail = await step.run(ctx);
      ctx.state.reloader = name;
      return detail;
    },
  };
}

function other(name: ReloaderName): ReloaderName {
  return name === 'stakater' ? 'wave' : 'stakater';
}

/**
 * The recorded release of reloader `name`: by its chart (how the state file names what it holds),
 * or by the coordinates the config gives it.
 */
export function recordedRelease(state: StackState, cfg: StackConfig, name: ReloaderName): Owned | undefined {
  const { chart } = reloaderChart(cfg, name);
  return state.releases.find((r) => r.chart === chart.chart || (r.name === chart.release && r.namespace === chart.namespace));
}

/** A namespace the lab itself uses (the app's, Postgres', a strategy's) is not the old controller's to take along. */
function inUse(ctx: StackContext, ns: string): boolean {
  const { cfg } = ctx;
  return [cfg.namespace, cfg.postgres.namespace, ...(ctx.state.strategies ?? []).map((s) => s.namespace)].includes(ns);
}
