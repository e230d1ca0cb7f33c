import { open } from 'node:fs/promises';
import { ConfigError, UsageError } from '../errors/errors.js';

/** Reads a file as UTF-8 text; injectable for tests. */
export type ReadTextFile = (path: string) => Promise<string>;

/**
 * Largest scenario or lab config file read (1 MiB). Real ones are a few KiB; YAML parsing costs
 * far more memory and time than the text (a 50 MB file took 15 s and 1.8 GB), so a bigger file is
 * refused before it is parsed.
 */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/**
 * Reads a UTF-8 file unless it is over MAX_CONFIG_FILE_BYTES, which it refuses from its size
 * alone (an EFBIG error with `size`): a multi-GB file would otherwise be read whole first.
 */
export async function readBoundedTextFile(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > MAX_CONFIG_FILE_BYTES) throw Object.assign(new Error(`${path} is ${size} bytes`), { code: 'EFBIG', size });
    return await file.readFile('utf8');
  } finally {
    await file.close();
  }
}

/**
 * Reads a YAML file the user named. Not being able to read it is a usage error (exit 2) with a
 * hint, never a ConfigError: nothing inside the file has been looked at yet. A file over
 * MAX_CONFIG_FILE_BYTES is a ConfigError (exit 104) at 1:1, raised before any parsing.
 */
export async function readConfigFile(path: string, readFile: ReadTextFile,
  what: { noun: string; notFoundHint: string; directoryHint: string; subject?: string }): Promise<string> {
  let text: string;
  try {
    text = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`${what.noun} not found: ${path}`, what.notFoundHint);
    if (code === 'EISDIR') throw new UsageError(`${path} is a directory, not a ${what.noun}`, what.directoryHint);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`cannot read ${path}: permission denied`, 'check the file permissions');
    // EFBIG from readBoundedTextFile; the others from a plain reader given a file of GBs.
    if (code === 'EFBIG' || code === 'ERR_FS_FILE_TOO_LARGE' || code === 'ERR_STRING_TOO_LONG') throw tooBig(path, (err as { size?: number }).size, what);
    throw err;
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_FILE_BYTES) throw tooBig(path, bytes, what);
  return text;
}

function tooBig(path: string, bytes: number | undefined, what: { noun: string; subject?: string }): ConfigError {
  const size = bytes === undefined ? 'larger than Node can read' : `${bytes.toLocaleString('en-US')} bytes`;
  return new ConfigError(
    [{ file: path, line: 1, col: 1, path: '', message: `the file is ${size}, over the limit of 1 MiB (1,048,576 bytes) for a ${what.noun}` }],
    `a ${what.noun} is a few KiB of YAML; check that ${path} is the file you meant`,
    what.subject ?? what.noun.replace(/ file$/, ''),
  );
}
