import { Command, Option } from 'commander';
import type { Runtime } from '../../runtime/runtime.js';
import type { BootstrapDeps } from '../../app/bootstrap.js';
import { installedComponentsText, stackOptions } from './stack-options.js';

/** `vaultctl bootstrap`: stands up (or converges) the lab. */
export function newBootstrapCommand(rt: Runtime, deps: BootstrapDeps): Command {
  const cmd = new Command('bootstrap')
    .description('create the lab: kind + Vault + Postgres + External Secrets + Wave + demo app, configured (idempotent)');
  for (const o of stackOptions()) cmd.addOption(o);
  return cmd
    .addOption(new Option('--retain', 'on failure keep what this run created (for debugging), instead of removing it').env('VAULTCTL_RETAIN'))
    .addOption(new Option('--dry-run', 'print the plan on stdout (commands, manifests, Vault calls; secrets as ***) and change nothing').env('VAULTCTL_DRY_RUN'))
    .addHelpText('after', `
${installedComponentsText()}

Steps: prerequisites -> kind cluster -> helm repos -> Vault -> Postgres -> External Secrets ->
Wave -> waits -> Vault Kubernetes auth + database engine -> ESO resources + demo app -> waits
for the ExternalSecret (Ready/SecretSynced) and the demo app rollout. Waits poll every 2s for up
to 5m (waits.interval / waits.timeout in vaultctl.yaml).

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
  vaultctl bootstrap --kube-context my-dev-cluster --config vaultctl.yaml
  vaultctl bootstrap --name lab2 --retain`)
    .action(async (opts: { config?: string; kubeContext?: string; name?: string; retain?: boolean; dryRun?: boolean; quiet?: boolean }) => {
      const { bootstrap } = await import('../../app/bootstrap.js');
      await bootstrap(rt, deps, {
        config: opts.config, kubeContext: opts.kubeContext, name: opts.name,
        retain: Boolean(opts.retain), dryRun: Boolean(opts.dryRun), quiet: Boolean(opts.quiet),
      });
    });
}
