import { Command, CommanderError } from 'commander';
import type { Runtime } from '../runtime/runtime.js';
import { UsageError } from '../errors/errors.js';
import { applyRuntimeEnv } from './runtime-env.js';
import type { CliDeps } from './deps.js';
import { newRotateTestCommand } from './commands/rotate-test.js';
import { newValidateCommand } from './commands/validate.js';
import { newReportCommand } from './commands/report.js';
import { newBootstrapCommand } from './commands/bootstrap.js';
import { newTeardownCommand } from './commands/teardown.js';
import { newDoctorCommand } from './commands/doctor.js';

/** Builds the command tree. Every subcommand is listed here, in the order `--help` shows it. */
export function buildProgram(rt: Runtime, deps: CliDeps): Command {
  const program = new Command('vaultctl')
    .description(
      'Measure how many requests fail when Vault rotates the database credentials of an app ' +
        'that knows nothing about Vault, rollout by rollout, and gate CI on it.',
    )
    .version(deps.version, '-V, --version')
    .option('--debug', 'print stack traces of unexpected errors (env VAULTCTL_DEBUG)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `
Quick start (no Docker needed):
  vaultctl rotate-test scenarios/local-quickstart.yaml

Exit codes: 0 ok, 1 bug, 2 usage, 3 missing prerequisite, 4 external step failed,
            99 thresholds crossed, 104 invalid scenario, 105 interrupted.`);
  const output = {
    writeOut: (s: string) => rt.stdout.write(s),
    writeErr: (s: string) => rt.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => write(s),
  };
  program.exitOverride().configureOutput(output);
  const commands = [
    newBootstrapCommand(rt, deps.stack),
    newRotateTestCommand(rt, deps),
    newReportCommand(rt, deps),
    newTeardownCommand(rt, deps.stack),
    newDoctorCommand(rt, deps.stack),
    newValidateCommand(rt),
  ];
  // Subcommands do not inherit configureOutput: set it on each, so tests see their errors too.
  for (const cmd of commands) program.addCommand(cmd.exitOverride().configureOutput(output));
  // Option env vars come from the Runtime's env (commander reads process.env), for every command.
  program.hook('preAction', (_root, actionCommand) => applyRuntimeEnv(actionCommand, rt));
  return program;
}

/** Commander's own errors: help and version are success, everything else is a usage error. */
export function translateCommanderError(err: unknown): unknown {
  if (!(err instanceof CommanderError)) return err;
  if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) return null;
  // Commander already printed its message; mark it so the handler does not print it twice.
  const usage = new UsageError(err.message.replace(/^error: /, ''));
  (usage as UsageError & { printed?: boolean }).printed = true;
  return usage;
}
