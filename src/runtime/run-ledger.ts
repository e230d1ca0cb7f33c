import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { onProcessExit } from './exit-hook.js';
import { ensureRunsDir, listPrivateDir, removePrivateFile, writePrivateFile } from './private-dir.js';
import { selfPid, startTimeOf } from './proc.js';

/**
 * One thing a run created and has not removed yet. `kind` says who reaps it: `process`, `dir`
 * and `file` are reaped by the generic reaper; other kinds (e.g. `postgres`) by a handler that
 * the composition root passes in.
 */
export interface LedgerEntry {
  id: string;
  kind: string;
  /** Dirs and files: the path; only basenames with a vaultctl prefix are ever removed. */
  path?: string;
  /** Processes: what it is, for the log. */
  label?: string;
  /** Processes: filled in right after spawn; before that the run marker env identifies it. */
  pid?: number;
  startTime?: string;
  /** Processes: the signal that asks it to stop (SIGINT is Postgres' fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** Dirs: removed by this process's exit hook too (nothing outside vaultctl still needs it then). */
  removeOnExit?: boolean;
  /** Postgres: its data dir and port. */
  dataDir?: string;
  port?: number;
}

/** A ledger file: whose run it is and what that run still owns. */
export interface LedgerFile {
  version: 1;
  pid: number;
  /** Field 22 of /proc/PID/stat: tells the owner from a later process with the same pid. */
  startTime: string;
  /** Set as `VAULTCTL_RUN` on every child, so children are found even if their pid was never written. */
  runId: string;
  entries: LedgerEntry[];
}

/** Env var set on every child process of a run, naming the run. */
export const RUN_MARKER_ENV = 'VAULTCTL_RUN';
/** Only paths whose basename starts like this are removed by the reaper, whatever a ledger says. */
export const LEFTOVER_NAME = /^\.?vaultctl-(pg|creds|pw)-[A-Za-z0-9]+$/;
/** Ledger file names: `run-<pid>-<starttime>.json`. */
export const LEDGER_NAME = /^run-\d+-\d+\.json$/;

/**
 * The record of everything this vaultctl process creates that must not outlive it: written to
 * `<stateDir>/runs/` BEFORE each thing is created and updated after it is removed, so a later run
 * can clean up after a SIGKILL (see reaper.ts). The file exists only while something is recorded.
 * Writes are synchronous so that "recorded" always happens before "created".
 */
export class RunLedger {
  readonly pid = selfPid();
  readonly startTime = startTimeOf(this.pid) ?? '0';
  readonly runId = `${this.pid}.${this.startTime}`;
  readonly fileName = `run-${this.pid}-${this.startTime}.json`;
  private readonly entries = new Map<string, LedgerEntry>();

  constructor(readonly dir: string) {
    // A second Ctrl-C exits at once (process.exit), skipping every `finally`: the password and
    // credentials dirs go here, synchronously. The data dir stays for the reaper, as the server
    // may still be shutting down in it.
    onProcessExit(() => {
      for (const e of this.list()) if (e.removeOnExit) this.remove(e.id);
    });
  }

  /** Records `entry` (before creating what it names); returns its id. */
  record(entry: Omit<LedgerEntry, 'id'>): string {
    const id = randomBytes(4).toString('hex');
    this.entries.set(id, { ...entry, id });
    this.flush();
    return id;
  }

  /** Adds what became known after creation (a pid). */
  update(id: string, patch: Partial<Omit<LedgerEntry, 'id' | 'kind'>>): void {
    const e = this.entries.get(id);
    if (!e) return;
    Object.assign(e, patch);
    this.flush();
  }

  /** Forgets an entry once what it names is gone. */
  forget(id: string): void {
    if (this.entries.delete(id)) this.flush();
  }

  /** What is recorded now. */
  list(): LedgerEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Creates a private (0700) directory `<base>/<prefix><random>`, recorded first. mkdir fails if
   * the name exists, so a planted directory is never adopted.
   */
  makeTempDir(base: string, prefix: 'vaultctl-pg-' | 'vaultctl-creds-' | 'vaultctl-pw-',
    opts: { removeOnExit?: boolean } = {}): { path: string; id: string } {
    const path = join(base, `${prefix}${randomBytes(6).toString('hex')}`);
    const id = this.record({ kind: 'dir', path, ...(opts.removeOnExit ? { removeOnExit: true } : {}) });
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (err) {
      this.forget(id);
      throw err;
    }
    return { path, id };
  }

  /** Removes a recorded dir (or file) and forgets it. */
  remove(id: string): void {
    const e = this.entries.get(id);
    if (e?.path && LEFTOVER_NAME.test(basename(e.path))) rmSync(e.path, { recursive: true, force: true });
    this.forget(id);
  }

  private flush(): void {
    if (this.entries.size === 0) {
      removePrivateFile(this.dir, this.fileName);
      return;
    }
    ensureRunsDir(this.dir);
    const file: LedgerFile = { version: 1, pid: this.pid, startTime: this.startTime, runId: this.runId, entries: this.list() };
    writePrivateFile(this.dir, this.fileName, `${JSON.stringify(file)}\n`);
  }
}

const ledgers = new Map<string, RunLedger>();

/** This process's ledger in `dir` (one per directory, shared by everything that records). */
export function openRunLedger(dir: string): RunLedger {
  let l = ledgers.get(dir);
  if (!l) ledgers.set(dir, (l = new RunLedger(dir)));
  return l;
}

/** Ledger file names in `dir`. */
export function ledgerNames(dir: string): string[] {
  return listPrivateDir(dir, LEDGER_NAME);
}
