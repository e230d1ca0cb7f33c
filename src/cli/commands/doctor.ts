import { Command } from 'commander';
import type { Runtime } from '../../runtime/runtime.js';
import { doctor } from '../../app/doctor.js';
import type { BootstrapDeps } from '../../app/bootstrap.js';
import { stackOptions } from './stack-options.js';

/** `vaultctl doctor`: prerequisites and the lab's health, one ✓/✗ line each. */
export function newDoctorCommand(rt: Runtime, deps: BootstrapDeps): Command {
  const cmd = new Command('doctor').description('check prerequisites and the health of the lab, one ✓/✗ line each');
  for (const o of stackOptions()) cmd.addOption(o);
  return cmd
    .addHelpText('after', `
Checks:
  prerequisites   docker engine reachable, kind, helm, kubectl (docker and kind not with --kube-context)
  Vault           sys/health: initialized and unsealed
  Postgres        StatefulSet rolled out
  Wave            controller pods Ready
  ExternalSecret  condition Ready=True, reason SecretSynced
  demo app        Deployment rolled out
The lab is found from ~/.vaultctl/state.json (VAULTCTL_STATE_DIR), --kube-context, or a kind
cluster named --name. Exit codes: 0 all checks pass, 3 a prerequisite is missing, 4 a check failed.`)
    .action(async (opts: { config?: string; kubeContext?: string; name?: string; quiet?: boolean }) => {
      await doctor(rt, deps, { config: opts.config, kubeContext: opts.kubeContext, name: opts.name, quiet: Boolean(opts.quiet) });
    });
}
