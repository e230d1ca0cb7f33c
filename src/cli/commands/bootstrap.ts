import { Command, Option } from 'commander';
import type { Runtime } from '../../runtime/runtime.js';
import type { BootstrapDeps } from '../../app/bootstrap.js';
import { installedComponentsText, reloaderOption, stackOptions, strategiesOption } from './stack-options.js';

/** `vaultctl bootstrap`: stands up (or converges) the lab. */
export function newBootstrapCommand(rt: Runtime, deps: BootstrapDeps): Command {
  const cmd = new Command('bootstrap')
    .description('create the lab: kind + Vault + Postgres + External Secrets + Wave + demo app, configured (idempotent)');
  for (const o of stackOptions()) cmd.addOption(o);
  return cmd
    .addOption(strategiesOption())
    .addOption(reloaderOption())
    .addOption(new Option('--retain', 'on failure keep what this run created (for debugging), instead of removing it').env('VAULTCTL_RETAIN'))
    .addOption(new Option('--dry-run', 'print the plan on stdout (commands, manifests, Vault calls; secrets as ***) and change nothing').env('VAULTCTL_DRY_RUN'))
    .addHelpText('after', `
${installedComponentsText()}

Steps: prerequisites -> kind cluster -> helm repos -> Vault -> Postgres -> External Secrets ->
Wave (or Reloader) -> waits -> Vault Kubernetes auth + database engine -> ESO resources + demo
app -> waits for the ExternalSecret (Ready/SecretSynced) and the demo app rollout. Waits poll
every 2s for up to 5m (waits.interval / waits.timeout in vaultctl.yaml).

Strategies (--strategies, or strategies: in vaultctl.yaml): the base lab is secret-sync-restart
(ESO + Wave, namespace vaultctl-demo), always installed. Each other strategy then adds its charts
(the Vault release gets the values it needs, e.g. the injector or the CSI provider), its Vault role
and policy, its namespace vaultctl-<strategy> with a copy of the demo app, and its waits.

Reloader (--reloader, or reloader: in vaultctl.yaml): wave (default) or stakater. With stakater,
Stakater Reloader replaces Wave in the base lab: its chart is installed with reloadStrategy
annotations, watching the demo app's namespace only, and the demo app carries
secret.reloader.stakater.com/reload instead of Wave's annotation, never both. Re-running with the
other one switches: the controller an earlier bootstrap installed is uninstalled.

Idempotent: re-running converges. An existing cluster is kept, releases are upgraded in place,
manifests are server-side applied, Vault writes overwrite ("path is already in use" = done),
and the Vault root token and Postgres password already in the cluster are reused.

On failure the failed component's logs and events are printed and what THIS run created is
removed (the kind cluster it created, or the releases and namespaces it created); --retain keeps it.

An existing cluster: pass --kube-context (or VAULTCTL_KUBE_CONTEXT). Docker and kind are then
not needed; vaultctl installs into that context only, reaches Vault through
\`kubectl port-forward\`, and teardown removes only the releases and namespaces it created.

State (no secrets): ~/.vaultctl/state.json (VAULTCTL_STATE_DIR), read by doctor and teardown.

Examples:
  vaultctl bootstrap
  vaultctl bootstrap --dry-run > plan.txt
  vaultctl bootstrap --strategies secret-sync-restart,vso,agent-template,csi
  vaultctl bootstrap --reloader stakater
  vaultctl bootstrap --kube-context my-dev-cluster --config vaultctl.yaml
  vaultctl bootstrap --name lab2 --retain`)
    .action(async (opts: { config?: string; kubeContext?: string; name?: string; strategies?: string[]; reloader?: string; retain?: boolean; dryRun?: boolean; quiet?: boolean }) => {
      const { bootstrap } = await import('../../app/bootstrap.js');
      await bootstrap(rt, deps, {
        config: opts.config, kubeContext: opts.kubeContext, name: opts.name, strategies: opts.strategies, reloader: opts.reloader,
        retain: Boolean(opts.retain), dryRun: Boolean(opts.dryRun), quiet: Boolean(opts.quiet),
      });
    });
}
