import type { Command } from 'commander';
import { UsageError } from '../errors/errors.js';
import type { Runtime } from '../runtime/runtime.js';

/**
 * Applies the environment variables of a command's options (`new Option(...).env(NAME)`) from the
 * Runtime's env, so tests and embedders that pass their own env are honoured (commander itself
 * reads process.env, which is the same object in production). A value given on the command line
 * always wins; an env value is parsed like a flag value (choices checked, repeatable options
 * collected) and a bad one is a UsageError naming the variable.
 */
export function applyRuntimeEnv(cmd: Command, rt: Runtime): void {
  for (const option of cmd.options) {
    const name = option.envVar;
    const raw = name === undefined ? undefined : rt.env[name];
    if (name === undefined || raw === undefined) continue;
    const key = option.attributeName();
    if (cmd.getOptionValueSource(key) === 'cli') continue;
    let value: unknown;
    if (!option.required && !option.optional) {
      // A boolean flag: set unless the variable is empty, 0 or false.
      value = option.negate ? false : !['', '0', 'false'].includes(raw.toLowerCase());
    } else {
      try {
        value = option.parseArg ? option.parseArg(raw, option.defaultValue) : raw;
      } catch (err) {
        throw new UsageError(`${name}=${raw}: ${(err as Error).message}`);
      }
    }
    cmd.setOptionValueWithSource(key, value, 'env');
  }
}
