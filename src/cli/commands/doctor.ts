import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Runtime } from '../../runtime/runtime.js';
import type { BootstrapDeps } from '../../app/bootstrap.js';
import { collect } from './report.js';
import { stackOptions } from './stack-options.js';

/** `vaultctl doctor`: timing risks of scenarios, prerequisites and the lab's health, one line each. */
export function newDoctorCommand(rt: Runtime, deps: BootstrapDeps): Command {
  const cmd = new Command('doctor').description('check timing risks of scenarios, prerequisites and the health of the lab, one line each');
  for (const o of stackOptions()) cmd.addOption(o);
  return cmd
    .addOption(new Option('-s, --scenario <file>', 'also analyse this scenario\'s timing risks, first and without any lab (repeatable)')
      .argParser(collect).env('VAULTCTL_SCENARIO'))
    .addOption(new Option('--strict', 'exit 104 when a scenario has a timing danger (warnings never change the exit code)').env('VAULTCTL_STRICT'))
    .addHelpText('after', `
Checks:
  timing          with --scenario: the scenario's timing risks from its settings alone — credentials
                  that expire before refresh + rollout, maxTtl below defaultTtl, lease pile-up,
                  single replica, maxUnavailable without surge, preStop shorter than endpoint
                  propagation, grace period too short, no graceful drain, overlapping rollouts.
                  Each line names the key and the fix: "⚠ PATH: what — fix: how". Needs no cluster,
                  Docker or kind; the same lines are printed before every rotate-test.
  prerequisites   docker engine reachable, kind, helm, kubectl (docker and kind not with --kube-context)
  Vault           sys/health: initialized and unsealed
  Postgres        StatefulSet rolled out
  Wave            controller pods Ready (Stakater Reloader's instead, by its chart's labels, in a
                  lab bootstrapped with --reloader stakater)
  ExternalSecret  condition Ready=True, reason SecretSynced
  demo app        Deployment rolled out
The lab is found from ~/.vaultctl/state.json (VAULTCTL_STATE_DIR), --kube-context, or a kind
cluster named --name. With --scenario and no lab (no state file and no kind cluster, or docker/kind
missing) the lab part reports "No lab found" and the command succeeds on the timing part.
Exit codes: 0 all checks pass (timing warnings and dangers included), 3 a prerequisite is missing
(of a recorded lab), 4 a lab check failed, 104 an invalid scenario or lab config, or with --strict
a timing danger (checked before the lab).

Examples:
  vaultctl doctor --scenario scenarios/local-single-replica.yaml
  VAULTCTL_STRICT=1 vaultctl doctor -s scenarios/a.yaml -s scenarios/b.yaml`)
    .action(async (_opts: unknown, command: Command) => {
      const opts = command.opts<{ config?: string; kubeContext?: string; name?: string; quiet?: boolean; scenario?: string[]; strict?: boolean }>();
      const read = (p: string) => readFile(resolve(rt.cwd, p), 'utf8');
      // Loaded when run, so `--help` and other commands start fast.
      const [{ doctor }, { scenarioTimingCheck }] = await Promise.all([import('../../app/doctor.js'), import('../../app/timing-check.js')]);
      await doctor(rt, deps, {
        config: opts.config, kubeContext: opts.kubeContext, name: opts.name, quiet: Boolean(opts.quiet),
        scenarioChecks: (opts.scenario ?? []).map((f) => scenarioTimingCheck(f, { readFile: read })),
        strict: Boolean(opts.strict),
      });
    });
}
