/**
 * The documented exit codes (ARCHITECTURE.md "Exit codes"). Numbers above 2 follow k6 where
 * CI users already know them (99 thresholds, 104 invalid config, 105 interrupted).
 */
export const ExitCode = {
  /** Everything worked and every threshold held. */
  Ok: 0,
  /** An unexpected error: a bug. The stack trace is printed with --debug. */
  Unexpected: 1,
  /** Bad command line: unknown flag, missing argument, missing file. */
  Usage: 2,
  /** A required tool or service is missing (docker, kind, helm, kubectl, vault, postgres user). */
  Prerequisite: 3,
  /** An external step failed: a command, a process we started, a server we talk to. */
  ExternalFailure: 4,
  /** One or more thresholds were crossed. */
  ThresholdsCrossed: 99,
  /** The scenario or config file is invalid. */
  InvalidConfig: 104,
  /** SIGINT/SIGTERM: cleanup ran and partial results were kept. */
  Interrupted: 105,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
