import { Command } from 'commander';
import type { Runtime } from '../../runtime/runtime.js';
import type { BootstrapDeps } from '../../app/bootstrap.js';
import { stackOptions } from './stack-options.js';

/** `vaultctl teardown`: removes what bootstrap created. */
export function newTeardownCommand(rt: Runtime, deps: BootstrapDeps): Command {
  const cmd = new Command('teardown').description('remove what `vaultctl bootstrap` created (safe to run twice)');
  for (const o of stackOptions()) cmd.addOption(o);
  return cmd
    .addHelpText('after', `
Reads ~/.vaultctl/state.json (VAULTCTL_STATE_DIR) written by bootstrap:
  - a kind cluster vaultctl created is deleted (\`kind delete cluster\`);
  - in an existing context (--kube-context at bootstrap) only the Helm releases and namespaces
    vaultctl created are removed; anything that existed before is left alone.
Without state it prints "nothing to tear down" and exits 0.`)
    .action(async (opts: { config?: string; kubeContext?: string; name?: string; quiet?: boolean }) => {
      const { teardown } = await import('../../app/teardown.js');
      await teardown(rt, deps, { config: opts.config, kubeContext: opts.kubeContext, name: opts.name, quiet: Boolean(opts.quiet) });
    });
}
