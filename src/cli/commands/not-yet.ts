import { Command } from 'commander';
import type { Runtime } from '../../runtime/runtime.js';
import { NotYetAvailableError } from '../../errors/errors.js';

const PLANNED: Record<string, { summary: string; detail: string }> = {
  report: {
    summary: 'render a results directory as text, markdown, junit, json or html, with thresholds',
    detail: 'Not yet available: `rotate-test` prints the per-rollout table and writes run.json to its results directory.',
  },
};

/** Commands that exist in the design but not yet in this build: they explain and exit 2. */
export function newNotYetCommands(rt: Runtime): Command[] {
  void rt;
  return Object.entries(PLANNED)
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
