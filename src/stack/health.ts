import { stackNames } from './manifests/index.js';
import { chartPodSelector } from './manifests/chart-pods.js';
import type { StackContext } from './bootstrap/context.js';
import { openVaultSession } from './bootstrap/steps-configure.js';

/** The outcome of one health check. */
export interface CheckOutcome {
  ok: boolean;
  detail: string;
}

/** One doctor check (issue 5's `doctor --scenario` adds more through this shape). */
export interface DoctorCheck {
  title: string;
  run(ctx: StackContext): Promise<CheckOutcome>;
}

interface Condition { type?: string; status?: string; reason?: string; message?: string }

/** The lab's component checks: Vault, Postgres, Wave (or Reloader), ESO's ExternalSecret, the demo app. */
export function componentChecks(ctx: StackContext): DoctorCheck[] {
  const { cfg } = ctx;
  const n = stackNames(cfg);
  return [
    {
      title: `Vault ${cfg.charts.vault.namespace}/${n.vaultService}: sys/health`,
      async run(c) {
        const session = await openVaultSession(c);
        try {
          const h = await session.api.health();
          const ok = h.initialized && !h.sealed;
          return { ok, detail: `initialized=${h.initialized} sealed=${h.sealed}${h.version ? ` version ${h.version}` : ''} (${session.endpoint})` };
        } finally {
          await session.close();
        }
      },
    },
    {
      title: `Postgres ${cfg.postgres.namespace}/${n.postgresStatefulSet}: rollout`,
      run: async (c) => rollout(c, `statefulset/${n.postgresStatefulSet}`, cfg.postgres.namespace),
    },
    reloaderCheck(ctx),
    {
      title: `ExternalSecret ${cfg.namespace}/${n.externalSecret}: Ready/SecretSynced`,
      async run(c) {
        const json = await c.kubectl.get(`externalsecret/${n.externalSecret}`, { namespace: cfg.namespace, output: 'json' });
        if (!json) return { ok: false, detail: 'not found' };
        const conds = ((JSON.parse(json) as { status?: { conditions?: Condition[] } }).status?.conditions ?? []);
        const ready = conds.find((x) => x.type === 'Ready');
        if (!ready) return { ok: false, detail: 'no Ready condition yet' };
        const ok = ready.status === 'True' && ready.reason === 'SecretSynced';
        return { ok, detail: `Ready=${ready.status} reason=${ready.reason ?? '-'}${ok ? '' : `: ${ready.message ?? ''}`}` };
      },
    },
    {
      title: `Demo app ${cfg.namespace}/${n.appDeployment}: rollout`,
      run: async (c) => rollout(c, `deployment/${n.appDeployment}`, cfg.namespace),
    },
  ];
}

/**
 * The pods of the controller that rolls the demo app: the one bootstrap recorded (a lab switched
 * with `--reloader` has only that one), else the config's. Each chart labels its pods its own way
 * (chart-pods.ts): Wave `app`/`release` only, Reloader `app.kubernetes.io/{name,instance}` too.
 */
function reloaderCheck(ctx: StackContext): DoctorCheck {
  const which = ctx.state.reloader ?? ctx.cfg.reloader;
  const chart = which === 'stakater' ? 'reloader' : 'wave';
  const { namespace } = ctx.cfg.charts[chart];
  return {
    title: `${which === 'stakater' ? 'Stakater Reloader' : 'Wave'} ${namespace}: pods ready`,
    run: async (c) => podsReady(c, namespace, chartPodSelector(c.cfg, chart)),
  };
}

async function rollout(ctx: StackContext, resource: string, namespace: string): Promise<CheckOutcome> {
  const r = await ctx.kubectl.rolloutStatus(resource, namespace, 5);
  const text = (r.exitCode === 0 ? r.stdout : r.stderr || r.stdout).trim().split('\n').pop() ?? '';
  return { ok: r.exitCode === 0, detail: text };
}

async function podsReady(ctx: StackContext, namespace: string, selector: string): Promise<CheckOutcome> {
  const json = await ctx.kubectl.get('pods', { namespace, selector, output: 'json' });
  const pods = json ? ((JSON.parse(json) as { items?: { metadata?: { name?: string }; status?: { conditions?: Condition[] } }[] }).items ?? []) : [];
  if (pods.length === 0) return { ok: false, detail: `no pods match ${selector}` };
  const notReady = pods.filter((p) => !(p.status?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True'));
  return notReady.length === 0
    ? { ok: true, detail: `${pods.length} ready` }
    : { ok: false, detail: `not ready: ${notReady.map((p) => p.metadata?.name ?? '?').join(', ')}` };
}
