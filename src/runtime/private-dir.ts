import { randomBytes } from 'node:crypto';
import {
  closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UnsafeStateDirError } from '../errors/errors.js';

/**
 * vaultctl's private state: `state.json` of bootstrap and the run ledgers (`runs/`). As root,
 * vaultctl must never write through a directory or file another user controls, so every
 * directory is checked (owner, mode, not a symlink) before use, files are created with
 * O_EXCL|O_NOFOLLOW under a fresh name and renamed into place, and reads refuse symlinks.
 * The directories are synchronous on purpose: the run ledger records before it creates.
 */

/** `$VAULTCTL_STATE_DIR`, else `~/.vaultctl`. */
export function stateDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.VAULTCTL_STATE_DIR || join(homedir(), '.vaultctl');
}

/** Where run ledgers live: `<stateDir>/runs`. */
export function runsDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(stateDir(env), 'runs');
}

const currentUid = (): number | undefined => process.getuid?.();

/**
 * Creates `dir` (mode 0700, parents as needed) if missing, then refuses it (UnsafeStateDirError)
 * unless it is a real directory owned by this user that nobody else may write to.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    // EEXIST: something that is not a directory is in the way; lstat below says what.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw new UnsafeStateDirError(dir, 'it is a symbolic link');
  if (!st.isDirectory()) throw new UnsafeStateDirError(dir, 'it is not a directory');
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid) throw new UnsafeStateDirError(dir, `it is owned by uid ${st.uid}, not by you (uid ${uid})`);
  if ((st.mode & 0o022) !== 0) {
    throw new UnsafeStateDirError(dir, `others may write to it (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`);
  }
}

/** {@link ensurePrivateDir} for `<stateDir>/runs` and the state dir that holds it. */
export function ensureRunsDir(runs: string): void {
  ensurePrivateDir(dirname(runs));
  ensurePrivateDir(runs);
}

/**
 * Writes `text` to `dir/name` atomically, mode 0600: a new file under a random name (O_EXCL and
 * O_NOFOLLOW, so a planted file or symlink makes it fail instead of being written through), then
 * rename(2), which replaces a symlink at `name` instead of following it.
 */
export function writePrivateFile(dir: string, name: string, text: string): void {
  ensurePrivateDir(dir);
  const tmp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600);
  try {
    const buf = Buffer.from(text);
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, join(dir, name));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The text of `dir/name`; undefined when there is none. A symlink or non-regular file is refused. */
export function readPrivateFile(dir: string, name: string): string | undefined {
  const file = join(dir, name);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new UnsafeStateDirError(file, 'it is a symbolic link');
    throw err;
  }
  try {
    // O_NONBLOCK keeps a planted FIFO from blocking the open; it is refused here.
    if (!fstatSync(fd).isFile()) throw new UnsafeStateDirError(file, 'it is not a regular file');
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Names in `dir` matching `pattern`; none when the directory does not exist. */
export function listPrivateDir(dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(dir).filter((n) => pattern.test(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Removes `dir/name` (a symlink there is removed, never followed); missing is fine. */
export function removePrivateFile(dir: string, name: string): void {
  rmSync(join(dir, name), { force: true });
}
