/**
 * File-system side of a results directory: creating it safely, checking that an existing one may
 * be reused, and turning errno failures into UsageErrors (exit 2) that name the path and errno.
 */
import { constants } from 'node:fs';
import { access, chmod, mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors/errors.js';
import type { RunEvent } from '../ports/events.js';
import type { RunFile } from './run-file.js';

export const EVENTS_FILE = 'events.ndjson';
export const TIMELINE_FILE = 'timeline.json';
export const RUN_FILE = 'run.json';
/** Results hold the scenario and failure messages: only their owner may read them. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
/** Opening flags that refuse to write through a symbolic link (ELOOP). */
const NO_FOLLOW_TRUNCATE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
const NO_FOLLOW_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Makes `dir` usable as a results directory before anything is started: creates it (and missing
 * parents, mode 0700) or checks that an existing one is writable and empty or ours. Returns the
 * entries it holds. Any failure is a UsageError naming the path and errno.
 */
export async function prepareResultsDir(dir: string): Promise<string[]> {
  const entries = await listDir(dir);
  if (entries === null) {
    await makeDirs(dir);
    return [];
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw fsUsageError(dir, 'write to', err);
  }
  if (entries.length === 0) return entries;
  if (!(await isResultsDir(dir, entries))) {
    throw new UsageError(`${dir} is not empty and is not a vaultctl results directory`,
      'choose a new directory with --out, or empty this one');
  }
  // A previous run's directory (perhaps from a version that left it 0755) is ours to tighten.
  await tightenDir(dir);
  return entries;
}

/**
 * `mkdir -p` one component at a time. Node's recursive mkdir spins forever when mkdir answers
 * ENOENT under an existing parent (as /proc does), so the loop here is bounded by the path's depth.
 */
async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(dir); ; p = dirname(p)) {
    try {
      if ((await stat(p)).isDirectory()) break;
      throw Object.assign(new Error(`${p} is not a directory`), { code: 'ENOTDIR' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) throw fsUsageError(dir, 'create', err);
      missing.unshift(p);
    }
  }
  for (const p of missing) {
    try {
      await mkdir(p, { mode: DIR_MODE });
    } catch (err) {
      // Someone else made it meanwhile: fine as long as it is a directory.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(p)).isDirectory()) continue;
      throw fsUsageError(dir, 'create', err);
    }
  }
}

/** Opens (truncating) a results file with mode 0600, whatever an older file of that name had. */
export async function openPrivate(path: string, dir: string): Promise<FileHandle> {
  try {
    const fh = await open(path, NO_FOLLOW_TRUNCATE, FILE_MODE);
    await fh.chmod(FILE_MODE);
    return fh;
  } catch (err) {
    throw fsUsageError(dir, 'write to', err);
  }
}

/**
 * Writes a file through a temporary file renamed into place, mode 0600. Whatever is at the temporary
 * name (a stale one, a planted symlink) is unlinked first and the new one made with O_EXCL|O_NOFOLLOW,
 * so nothing is ever written through a link; rename(2) replaces a link at `path` instead of following it.
 */
export async function writeAtomic(path: string, text: string): Promise<void> {
  await rm(`${path}.tmp`, { force: true });
  const fh = await open(`${path}.tmp`, NO_FOLLOW_CREATE, FILE_MODE);
  try {
    await fh.chmod(FILE_MODE);
    await fh.writeFile(text, 'utf8');
  } finally {
    await fh.close();
  }
  await rename(`${path}.tmp`, path);
}

/** Tightens a directory vaultctl owns to 0700 (best effort: it may belong to someone else). */
export async function tightenDir(dir: string): Promise<void> {
  await chmod(dir, DIR_MODE).catch(() => {});
}

/** `cannot create results directory X: ENOENT (no such file or directory, mkdir '…')`, exit 2. */
export function fsUsageError(dir: string, verb: string, err: unknown): UsageError {
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? 'error';
  const detail = e.message.replace(/^[A-Z]+: /, '');
  const other = verb === 'read' ? 'pass a directory written by `vaultctl rotate-test`' : 'choose another directory with --out';
  const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a part of that path is a file, not a directory'
    : code === 'EROFS' ? 'that file system is read-only'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied (or fix the permissions)'
        : verb === 'read' ? 'it cannot be read' : 'it cannot be written';
  return new UsageError(`cannot ${verb} results directory ${dir}: ${code} (${detail})`, `${why}; ${other}`);
}

/** The entries of a directory; null when it does not exist. `verb` words the error otherwise. */
export async function listDir(dir: string, verb = 'use'): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw fsUsageError(dir, verb, err);
  }
}

/** A file's text; null when it does not exist. */
export async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A directory is ours when its run.json names vaultctl or its event log starts with run_started. */
async function isResultsDir(dir: string, entries: string[]): Promise<boolean> {
  if (entries.includes(RUN_FILE)) {
    try {
      const run = JSON.parse(await readFile(join(dir, RUN_FILE), 'utf8')) as Partial<RunFile>;
      if (run?.tool?.name === 'vaultctl') return true;
    } catch {
      // fall through to the event log
    }
  }
  const events = await readOptional(join(dir, EVENTS_FILE));
  if (events === null) return false;
  try {
    return (JSON.parse(events.split('\n', 1)[0]) as RunEvent).type === 'run_started';
  } catch {
    return false;
  }
}
