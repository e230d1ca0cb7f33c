import { readFile, readdir, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * What a running vaultctl records about the embedded Postgres it owns, so that a later run can
 * clean up after a vaultctl that was SIGKILLed (its postgres child is re-parented and keeps running).
 */
export interface PostgresRecord {
  vaultctlPid: number;
  /** The postmaster's pid; null while initdb runs (the postmaster.pid file is read instead). */
  postgresPid: number | null;
  dataDir: string;
  port: number;
}

/** Only directories vaultctl created are ever removed, whatever a record says. */
const DATA_DIR_PREFIX = 'vaultctl-pg-';
const RECORD_NAME = /^pg-\d+(?:-\d+)?\.json$/;

/** Writes a record atomically (temp file + rename), so a reader never sees half of it. */
export async function writeRecord(file: string, record: PostgresRecord): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
  await rename(tmp, file);
}

/** The postmaster pid from `<dataDir>/postmaster.pid` (its first line), or null. */
export async function readPostmasterPid(dataDir: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0], 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when the pid exists and is not a zombie (an unreaped orphan still answers kill 0). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name, is the state.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** True when pid is a `postgres` server for this data dir (guards against pid reuse). */
async function isPostgresFor(pid: number, dataDir: string): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return path.basename(argv[0] ?? '') === 'postgres' && argv.includes(dataDir);
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await isAlive(pid))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !(await isAlive(pid));
}

/**
 * Stops a postmaster: SIGINT is Postgres' "fast shutdown" (ends sessions, then exits). SIGTERM would be
 * a "smart shutdown" that waits for clients, and orphaned app replicas may still be connected.
 * SIGKILL after `graceMs`.
 */
export async function killPostmaster(pid: number, dataDir: string, graceMs = 5000): Promise<boolean> {
  if (!(await isAlive(pid)) || !(await isPostgresFor(pid, dataDir))) return false;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return false;
  }
  if (await waitGone(pid, graceMs)) return true;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await waitGone(pid, 5000);
  return true;
}

/** Removes a data dir, but only one vaultctl created. */
export async function removeDataDir(dataDir: string): Promise<void> {
  if (path.basename(dataDir).startsWith(DATA_DIR_PREFIX)) await rm(dataDir, { recursive: true, force: true });
}

/**
 * Cleans up after vaultctl processes that died without stopping their embedded Postgres: for each
 * record in `stateDir` whose vaultctl pid is gone, stops the postmaster (if it is still running and
 * really is that data dir's postgres), removes the data dir and the record. Returns how many were cleaned.
 */
export async function cleanStalePostgres(stateDir: string, log: (line: string) => void = () => {}): Promise<number> {
  let names: string[];
  try {
    names = (await readdir(stateDir)).filter((n) => RECORD_NAME.test(n));
  } catch {
    return 0;
  }
  let cleaned = 0;
  for (const name of names) {
    const file = path.join(stateDir, name);
    let record: PostgresRecord;
    try {
      record = JSON.parse(await readFile(file, 'utf8')) as PostgresRecord;
    } catch {
      continue; // removed meanwhile by its owner, or not ours
    }
    if (typeof record.vaultctlPid !== 'number' || typeof record.dataDir !== 'string') continue;
    if (record.vaultctlPid === process.pid || (await isAlive(record.vaultctlPid))) continue;
    const pid = record.postgresPid ?? (await readPostmasterPid(record.dataDir));
    const killed = pid !== null && (await killPostmaster(pid, record.dataDir));
    await removeDataDir(record.dataDir);
    await rm(file, { force: true });
    log(`cleaned stale embedded postgres of vaultctl pid ${record.vaultctlPid} (port ${record.port}${killed ? `, stopped pid ${pid}` : ''})`);
    cleaned++;
  }
  return cleaned;
}
