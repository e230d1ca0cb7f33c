import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, signalProcess, waitGone } from '../runtime/proc.js';
import { reapLeftovers, type LeftoverHandler } from '../runtime/reaper.js';
import { removeOrphanedSharedMemory } from './postgres-process.js';

/*
 * The Postgres part of cleaning up after a vaultctl that was SIGKILLed: its postmaster is
 * re-parented and keeps running, and Postgres rewrites its own process title and environment, so
 * it is found through `<dataDir>/postmaster.pid` and checked by its command line.
 */

/** The postmaster pid from `<dataDir>/postmaster.pid` (its first line), or null. */
export async function readPostmasterPid(dataDir: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0], 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
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

/**
 * Stops a postmaster: SIGINT is Postgres' "fast shutdown" (ends sessions, then exits). SIGTERM would be
 * a "smart shutdown" that waits for clients, and orphaned app replicas may still be connected.
 * SIGKILL after `graceMs`.
 */
export async function killPostmaster(pid: number, dataDir: string, graceMs = 5000): Promise<boolean> {
  if (!isAlive(pid) || !(await isPostgresFor(pid, dataDir))) return false;
  if (!signalProcess(pid, 'SIGINT')) return false;
  if ((await waitGone([pid], graceMs)).length === 0) return true;
  signalProcess(pid, 'SIGKILL');
  await waitGone([pid], 5000);
  return true;
}

/**
 * Reaper handler for a `postgres` ledger entry: stops its postmaster if it still runs (and really
 * is that data dir's), and removes the System V shared memory a killed one leaves. The data dir
 * itself is a `dir` entry of the same ledger.
 */
export const reapPostgres: LeftoverHandler = async (entry, log) => {
  if (!entry.dataDir) return 0;
  const pid = await readPostmasterPid(entry.dataDir);
  const killed = pid !== null && (await killPostmaster(pid, entry.dataDir));
  if (killed) log(`stopped the embedded postgres (pid ${pid}, port ${entry.port}) of a dead vaultctl`);
  await removeOrphanedSharedMemory(entry.dataDir);
  return killed ? 1 : 0;
};

/**
 * Cleans up after dead vaultctl runs whose ledgers are in `<stateDir>/runs`: their embedded
 * Postgres, replicas, Vault dev servers, temp dirs and files. Returns how many runs.
 */
export function cleanStalePostgres(stateDir: string, log: (line: string) => void = () => {}): Promise<number> {
  return reapRunLeftovers(path.join(stateDir, 'runs'), log);
}

/** {@link cleanStalePostgres} for a runs directory (`RunLedger.dir`). */
export function reapRunLeftovers(runsDir: string, log: (line: string) => void = () => {}): Promise<number> {
  return reapLeftovers({ dir: runsDir, log, handlers: { postgres: reapPostgres } });
}
