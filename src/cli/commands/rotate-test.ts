import { Command, Option } from 'commander';
import type { Runtime } from '../../runtime/runtime.js';
import type { CliDeps } from '../deps.js';
import { rotateTest } from '../../app/rotate-test.js';

/** `vaultctl rotate-test FILE...`: runs scenarios and prints the per-rollout table on stdout. */
export function newRotateTestCommand(rt: Runtime, deps: CliDeps): Command {
  return new Command('rotate-test')
    .description('rotate credentials under load while replicas roll, and report failures per rollout')
    .argument('<files...>', 'scenario YAML files (see scenarios/)')
    .addOption(new Option('-o, --out <dir>', 'results directory (default ./vaultctl-results/<time>-<scenario>)').env('VAULTCTL_OUT'))
    .addOption(new Option('-q, --quiet', 'no progress on stderr; results only').env('VAULTCTL_QUIET'))
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

Results: <out>/run.json (analysis), events.ndjson (every event), timeline.json (time bins).

Examples:
  vaultctl rotate-test scenarios/local-quickstart.yaml
  vaultctl rotate-test scenarios/local-single-replica.yaml --out results/single`)
    .action(async (files: string[], opts: { out?: string; quiet?: boolean }) => {
      await rotateTest(rt, deps.rotateTest, { files, out: opts.out, quiet: Boolean(opts.quiet) });
    });
}
