/** What to start. `env` is complete: nothing is inherited that is not in it. */
export interface SpawnRequest {
  /** Executable and arguments. */
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Run as this user (vaultctl as root runs Postgres as `postgres`). */
  uid?: number;
  gid?: number;
  /** Its own process group: a terminal's Ctrl-C does not reach it, vaultctl stops it in order. */
  detached?: boolean;
  /** What it is, for the run ledger and the reaper's log ("replica r1", "postgres"). */
  label: string;
  /** The signal that asks it to stop, used by a later run's reaper (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** Sent if vaultctl exits while it still runs (default SIGKILL). */
  exitSignal?: NodeJS.Signals;
  /** Open a pipe to its stdin (for `write`); default: no stdin. */
  stdin?: boolean;
}

/** How a process ended; `error` when it could not be spawned at all. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** A started child process. */
export interface SpawnedProcess {
  /** Undefined when it could not be spawned (`exited` then carries the error). */
  readonly pid: number | undefined;
  /** True until it has exited (or failed to spawn). */
  running(): boolean;
  /** Every chunk of its stdout and stderr, as text. */
  onOutput(listener: (text: string) => void): void;
  /** Its stdout alone, as text (a line protocol that stderr must not interleave with). */
  onStdout(listener: (text: string) => void): void;
  /** Writes to its stdin (spawned with `stdin: true`); false when it cannot take it. */
  write(text: string): boolean;
  /** Sends a signal if it still runs; false when not sent. */
  kill(signal: NodeJS.Signals): boolean;
  /** Settles once it exited or failed to spawn. */
  readonly exited: Promise<ProcessExit>;
  /** Settles once it exited and its output is closed (children that inherited it included). */
  readonly closed: Promise<void>;
}

/**
 * The one way vaultctl starts child processes: each is recorded in the run ledger before it
 * starts and carries the run's marker, so a later run can stop it if vaultctl is killed.
 */
export interface ProcessSpawner {
  spawn(req: SpawnRequest): SpawnedProcess;
}
