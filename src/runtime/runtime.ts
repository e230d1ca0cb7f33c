import { SecretRegistry } from '../errors/redact.js';

/** A writable text stream and whether it is an interactive terminal. */
export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY: boolean;
  /** Terminal width when known. */
  readonly columns?: number;
}

/** Time source: `now()` is monotonic milliseconds, `wallClock()` is the calendar time. */
export interface Clock {
  now(): number;
  wallClock(): Date;
}

/**
 * Everything a command needs from the process, injected so that no code below `cli/main.ts`
 * touches `process` (k6's GlobalState, kind's IOStreams).
 */
export interface Runtime {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly clock: Clock;
  /** Aborted on SIGINT/SIGTERM; long work checks it and cleans up. */
  readonly signal: AbortSignal;
  /** Every secret seen in this process; output passes through `secrets.redact`. */
  readonly secrets: SecretRegistry;
  /** True when colour may be used on stderr (a TTY and no NO_COLOR). */
  readonly color: boolean;
}

/** The monotonic process clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallClock: () => new Date(),
};
