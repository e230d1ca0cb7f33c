import { Command } from 'commander';
import type { Runtime } from '../../runtime/runtime.js';
import { NotYetAvailableError } from '../../errors/errors.js';

const PLANNED: Record<string, { group: 'bootstrap-first' | 'report-and-after'; summary: string; detail: string }> = {
  bootstrap: {
    group: 'bootstrap-first',
    summary: 'create a kind cluster with Vault, Postgres, ESO and Wave, configured (idempotent)',
    detail: 'Needs Docker, kind, helm and kubectl. Not yet available: use `target: local` scenarios meanwhile.',
  },
  report: {
    group: 'report-and-after',
    summary: 'render a results directory as text, markdown, junit, json or html, with thresholds',
    detail: 'Not yet available: `rotate-test` prints the per-rollout table and writes run.json to its results directory.',
  },
  teardown: {
    group: 'report-and-after',
    summary: 'delete what bootstrap created (safe to run twice)',
    detail: 'Not yet available.',
  },
  doctor: {
    group: 'report-and-after',
    summary: 'check prerequisites, stack health and the timing risks of a scenario',
    detail: 'Not yet available.',
  },
};

/** Commands that exist in the design but not yet in this build: they explain and exit 2. */
export function newNotYetCommands(rt: Runtime, group: 'bootstrap-first' | 'report-and-after'): Command[] {
  void rt;
  return Object.entries(PLANNED)
    .filter(([, p]) => p.group === group)
    .map(([name, p]) =>
      new Command(name)
        .description(`${p.summary} (not yet available)`)
        .addHelpText('after', `\n${p.detail}`)
        .allowUnknownOption()
        .allowExcessArguments()
        .action(() => {
          throw new NotYetAvailableError(`vaultctl ${name}`);
        }),
    );
}
