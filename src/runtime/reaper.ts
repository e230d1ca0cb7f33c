import { lstatSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { ensureRunsDir, readPrivateFile, removePrivateFile } from './private-dir.js';
import { isSameProcess, pidsWithEnv, selfPid, signalProcess, waitGone } from './proc.js';
import { LEFTOVER_NAME, RUN_MARKER_ENV, ledgerNames, type LedgerEntry, type LedgerFile } from './run-ledger.js';

/**
 * Reaps entries of a kind the generic reaper does not know (e.g. `postgres`: postmaster checks,
 * fast shutdown, shared memory). Runs before processes are signalled and paths removed.
 * Returns how many processes it stopped.
 */
export type LeftoverHandler = (entry: LedgerEntry, log: (line: string) => void) => Promise<number>;

/** Options of {@link reapLeftovers}. */
export interface ReapOptions {
  /** The runs directory (`<stateDir>/runs`). */
  dir: string;
  log?: (line: string) => void;
  handlers?: Record<string, LeftoverHandler>;
  /** Between the stop signal and SIGKILL (default 5 s). */
  graceMs?: number;
}

/**
 * Cleans up after vaultctl processes that died without doing so (SIGKILL, OOM, power loss): for
 * each ledger whose owner (pid + start time) is gone, runs the kind handlers, stops the run's
 * processes (the recorded pids, plus every process carrying its run marker), removes its temp
 * dirs and files, then the ledger. Returns how many runs it cleaned up after. A state dir that
 * is not private is refused (UnsafeStateDirError): a planted ledger must not direct a root run.
 */
export async function reapLeftovers(opts: ReapOptions): Promise<number> {
  const log = opts.log ?? (() => {});
  ensureRunsDir(opts.dir);
  let reaped = 0;
  for (const name of ledgerNames(opts.dir)) {
    let ledger: LedgerFile;
    try {
      ledger = JSON.parse(readPrivateFile(opts.dir, name) ?? 'null') as LedgerFile;
    } catch {
      continue; // removed meanwhile by its owner, or half a file from elsewhere
    }
    if (!ledger || ledger.version !== 1 || !Array.isArray(ledger.entries)) continue;
    if (ledger.pid === selfPid() || isSameProcess(ledger.pid, ledger.startTime)) continue;
    const summary = await reapRun(ledger, opts, log);
    removePrivateFile(opts.dir, name);
    log(`cleaned up after vaultctl pid ${ledger.pid} (killed by a signal?): ${summary}`);
    reaped++;
  }
  return reaped;
}

async function reapRun(ledger: LedgerFile, opts: ReapOptions, log: (line: string) => void): Promise<string> {
  let processes = 0;
  for (const e of ledger.entries) {
    const handler = opts.handlers?.[e.kind];
    if (handler) processes += await handler(e, log).catch(() => 0);
  }
  processes += await stopProcesses(ledger, opts.graceMs ?? 5000);
  let dirs = 0;
  let files = 0;
  for (const e of ledger.entries) {
    if ((e.kind !== 'dir' && e.kind !== 'file') || !e.path || !removeLeftover(e.path)) continue;
    if (e.kind === 'dir') dirs++;
    else files++;
  }
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return [n(processes, 'process', 'processes'), n(dirs, 'dir', 'dirs'), ...(files ? [n(files, 'file', 'files')] : [])].join(', ');
}

/** Stop signal to every live process of the run, SIGKILL to those still there after the grace. */
async function stopProcesses(ledger: LedgerFile, graceMs: number): Promise<number> {
  const signals = new Map<number, NodeJS.Signals>();
  for (const e of ledger.entries) {
    if (e.kind === 'process' && e.pid && isSameProcess(e.pid, e.startTime)) signals.set(e.pid, e.stopSignal ?? 'SIGTERM');
  }
  // Children whose pid never made it into the ledger (SIGKILL right after spawn) and grandchildren.
  for (const pid of pidsWithEnv(RUN_MARKER_ENV, ledger.runId)) if (!signals.has(pid)) signals.set(pid, 'SIGTERM');
  const pids = [...signals.keys()];
  for (const [pid, sig] of signals) signalProcess(pid, sig);
  const left = await waitGone(pids, graceMs);
  for (const pid of left) signalProcess(pid, 'SIGKILL');
  await waitGone(left, 5000);
  return pids.length;
}

/** Removes a recorded path if it is vaultctl's (by name) and not a symlink; true when it existed. */
function removeLeftover(path: string): boolean {
  if (!LEFTOVER_NAME.test(basename(path))) return false;
  try {
    if (lstatSync(path).isSymbolicLink()) return false;
  } catch {
    return false;
  }
  rmSync(path, { recursive: true, force: true });
  return true;
}
