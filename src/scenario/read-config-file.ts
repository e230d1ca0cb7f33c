import { UsageError } from '../errors/errors.js';

/** Reads a file as UTF-8 text; injectable for tests. */
export type ReadTextFile = (path: string) => Promise<string>;

/**
 * Reads a YAML file the user named. Not being able to read it is a usage error (exit 2) with a
 * hint, never a ConfigError: nothing inside the file has been looked at yet.
 */
export async function readConfigFile(path: string, readFile: ReadTextFile,
  what: { noun: string; notFoundHint: string; directoryHint: string }): Promise<string> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`${what.noun} not found: ${path}`, what.notFoundHint);
    if (code === 'EISDIR') throw new UsageError(`${path} is a directory, not a ${what.noun}`, what.directoryHint);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`cannot read ${path}: permission denied`, 'check the file permissions');
    throw err;
  }
}
