import { stackNames } from '../manifests/index.js';
import { chartPodSelector } from '../manifests/chart-pods.js';
import type { Component, StackContext } from './context.js';

/** Where each component's pods and events are. */
function targets(ctx: StackContext, component: Component): { namespace: string; logs: { resource: string } | { selector: string } }[] {
  const { cfg } = ctx;
  const n = stackNames(cfg);
  // Each chart labels its pods its own way (chart-pods.ts cites the templates).
  const release = (c: 'eso' | 'wave' | 'reloader') => ({ namespace: cfg.charts[c].namespace, logs: { selector: chartPodSelector(cfg, c) } });
  switch (component) {
    case 'vault': return [{ namespace: cfg.charts.vault.namespace, logs: { resource: `statefulset/${n.vaultService}` } }];
    case 'postgres': return [{ namespace: cfg.postgres.namespace, logs: { resource: `statefulset/${n.postgresStatefulSet}` } }];
    case 'eso': return [release('eso')];
    case 'wave': return [release('wave')];
    case 'reloader': return [release('reloader')];
    // The app waits on ESO: its controller logs say why a sync failed.
    case 'app': return [{ namespace: cfg.namespace, logs: { resource: `deployment/${n.appDeployment}` } }, release('eso')];
    // Every object a strategy applies carries vaultctl's labels (manifests/types.ts `labels`).
    case 'strategy': return ctx.strategies.map((s) => ({ namespace: s.namespace(cfg), logs: { selector: 'app.kubernetes.io/part-of=vaultctl' } }));
    default: return [];
  }
}

/** Prints the failed component's recent logs and its namespace's events (redacted by the reporter). */
export async function printDiagnostics(ctx: StackContext, component: Component): Promise<void> {
  for (const t of targets(ctx, component)) {
    const what = 'resource' in t.logs ? t.logs.resource : t.logs.selector;
    const logs = await ctx.kubectl.logs(t.logs, t.namespace);
    ctx.log(`--- logs of ${what} (namespace ${t.namespace}) ---\n${indent(logs || '(none)')}`);
    const events = await ctx.kubectl.events(t.namespace);
    ctx.log(`--- events in namespace ${t.namespace} ---\n${indent(events || '(none)')}`);
  }
}

function indent(text: string): string {
  return text.trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
}
