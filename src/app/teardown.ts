import type { Runtime } from '../runtime/runtime.js';
import { createLineReporter } from '../ui/line-reporter.js';
import { removeOwned } from '../stack/bootstrap/remove.js';
import { readState, removeState } from '../stack/state.js';
import { loadStackConfig, stackContext, type BootstrapDeps, type StackCommandOptions } from './bootstrap.js';

export interface TeardownOptions extends StackCommandOptions {
  quiet: boolean;
}

/**
 * `vaultctl teardown`: removes what bootstrap recorded in the state file — the kind cluster it
 * created, or the Helm releases and namespaces it created in an existing context (ESO's and VSO's
 * objects first, while their controllers can still remove their finalizers) — and nothing else. Safe to run
 * twice: without state it reports "nothing to tear down"; a failure keeps the state for a retry.
 */
export async function teardown(rt: Runtime, deps: BootstrapDeps, opts: TeardownOptions): Promise<void> {
  const reporter = createLineReporter(rt, { quiet: opts.quiet });
  const state = await readState(rt.env);
  if (!state) {
    reporter.info('Nothing to tear down: no lab recorded by `vaultctl bootstrap` (state file absent).');
    return;
  }
  const cfg = await loadStackConfig(rt, opts);
  // The recorded cluster and context win over the config: teardown removes what was made.
  cfg.clusterName = state.clusterName;
  if (state.mode === 'context') cfg.kubeContext = state.kubeContext;
  else delete cfg.kubeContext;
  const ctx = stackContext(rt, deps, cfg, state);
  const whole = state.mode === 'kind' && state.createdCluster;
  const title = whole
    ? `Deleting kind cluster "${state.clusterName}"`
    : `Removing vaultctl's Helm releases and namespaces from context "${state.kubeContext}"`;
  const h = reporter.step(title);
  try {
    const removed = await removeOwned(ctx, {
      cluster: whole, releases: state.releases, namespaces: state.namespaces,
      keptNamespaces: [state.app.namespace, ...state.namespaces.map((n) => n.name)],
    });
    h.done(removed.length > 0 ? removed.join(', ') : 'nothing vaultctl created was left');
  } catch (err) {
    h.fail();
    throw err;
  }
  await removeState(rt.env);
}
