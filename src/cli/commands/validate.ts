import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Runtime } from '../../runtime/runtime.js';

/** `vaultctl validate FILE...`: checks scenario files, reporting every error with file:line:col. */
export function newValidateCommand(rt: Runtime): Command {
  return new Command('validate')
    .description('check scenario files; every error is reported with file:line:col (exit 104 if any)')
    .argument('<files...>', 'scenario YAML files')
    .addHelpText('after', `
Examples:
  vaultctl validate scenarios/*.yaml

A JSON Schema for editors is in scenarios/schema/scenario.v1alpha1.schema.json.`)
    .action(async (files: string[]) => {
      const { validateScenarios } = await import('../../app/validate.js');
      await validateScenarios(files, {
        readFile: (p: string) => readFile(resolve(rt.cwd, p), 'utf8'),
        log: (line: string) => rt.stderr.write(line + '\n'),
      });
    });
}
