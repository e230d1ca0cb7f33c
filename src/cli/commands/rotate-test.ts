import { Command, Option } from 'commander';
import type { Runtime } from '../../runtime/runtime.js';
import type { CliDeps } from '../deps.js';
import { RUN_OUTPUT_FORMATS, type RunOutputFormat } from '../../report/formats.js';
import { collect } from './report.js';

/** `vaultctl rotate-test FILE...`: runs scenarios and prints the per-rollout table on stdout. */
export function newRotateTestCommand(rt: Runtime, deps: CliDeps): Command {
  return new Command('rotate-test')
    .description('rotate credentials under load while replicas roll, and report failures per rollout')
    .argument('<files...>', 'scenario YAML files (see scenarios/)')
    .addOption(new Option('-o, --out <dir>', 'results directory (default ./vaultctl-results/<time>-<scenario>)').env('VAULTCTL_OUT'))
    .addOption(new Option('-q, --quiet', 'no progress on stderr; results only').env('VAULTCTL_QUIET'))
    .addOption(new Option('-t, --threshold <expr>', 'threshold such as "rollout.failure_rate < 0.1%" (repeatable; ' +
      'replaces the scenario\'s thresholds of the same metric; in the env, separate them with ";")').argParser(collect)
      .env('VAULTCTL_THRESHOLDS'))
    .addOption(new Option('-f, --format <format>', 'what stdout gets: the table and verdict (text) or one report of all runs')
      .choices([...RUN_OUTPUT_FORMATS]).default('text').env('VAULTCTL_FORMAT'))
    .addOption(new Option('-s, --strategy <names>', 'run each scenario once per delivery strategy and compare them: ' +
      '"all" or a comma-separated list such as secret-sync-restart,agent-template').env('VAULTCTL_STRATEGY'))
    .addHelpText('after', `
What happens (target: local, no Docker needed):
  1. an embedded Postgres starts on a free loopback port, in a temp dir
  2. credentials are issued (issuer direct: Vault-style SQL; issuer vault: a real Vault)
  3. the workload starts: N replicas of the demo app (or workload.command) behind a
     round-robin proxy on 127.0.0.1
  4. autocannon sends load to the proxy while new credentials are issued every
     delivery.refreshInterval and at rotations.at, and revoked at rotations.revoke;
     each new credential rolls the replicas (reload: restart), signals them (signal) or not (none)
  5. every request and every rollout is recorded; the table shows each rollout's requests,
     failures, failure rate, downtime and failure causes
  Everything started is stopped and removed at the end, on failure and on Ctrl-C.

With target: kubernetes (after \`vaultctl bootstrap\`): load goes to the demo app's NodePort
(or a port-forward), rotations.at annotates the ExternalSecret (force-sync), rotations.revoke
revokes the role's leases, rotations.rotateRoot rotates Vault's root credentials; rollouts are
followed through the Kubernetes API and leases are counted before and after. The scenario's role
TTL, replicas and refresh interval are applied to the lab and restored afterwards.

Before anything starts, the scenario's timing risks are printed with their fixes
(see \`vaultctl doctor --scenario FILE\`).

Delivery strategies (--strategy, issue 11): the same scenario (same load, rotations, workload)
runs once per strategy, each with its \`strategies.<name>\` settings merged over \`delivery\`, into
<out>/<strategy>/; then one table compares them (failures, downtime, restarts, leases left,
peak live roles, Vault calls), ranked, with a recommendation. "all" is every strategy the
target runs; direct (the app speaks to Vault itself) only with credentials.issuer: vault.
A strategy whose run fails does not stop the others; the exit code is the first failure's.

Results: <out>/run.json (analysis and verdict), events.ndjson (every event), timeline.json (time bins).
\`vaultctl report <out>\` re-renders them later (also as html).

Thresholds (scenario \`thresholds:\` or --threshold) are judged after the run; the verdict lines
follow the table. Crossing any exits 99 after the results are written; a threshold with
abortOnFail stops the run as soon as it is crossed for good (status failed, exit 99).
When GITHUB_STEP_SUMMARY is set, the markdown report is appended to it.
Exit codes: 0 ok, 99 thresholds crossed, 104 invalid scenario, 105 interrupted (Ctrl-C).

Examples:
  vaultctl rotate-test scenarios/local-quickstart.yaml
  vaultctl rotate-test scenarios/local-single-replica.yaml --out results/single
  vaultctl rotate-test scenarios/compare-strategies.yaml --strategy all --out results/compare
  vaultctl rotate-test scenarios/local-quickstart.yaml --threshold 'rollout.failure_rate < 1%' --format junit > junit.xml`)
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.opts<{ out?: string; quiet?: boolean; threshold?: string[]; format: RunOutputFormat; strategy?: string }>();
      // Loaded when run, so `--help` and other commands start fast.
      const { rotateTest } = await import('../../app/rotate-test.js');
      const { createTargets } = await import('../targets.js');
      await rotateTest(rt, { targets: createTargets(deps.targets), load: deps.load, version: deps.version }, { files, out: opts.out, quiet: Boolean(opts.quiet),
        thresholds: opts.threshold ?? [], format: opts.format, strategies: opts.strategy });
    });
}
