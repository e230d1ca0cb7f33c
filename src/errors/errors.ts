import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** Base class of every error vaultctl expects: it carries an exit code and an optional hint. */
export class VaultctlError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  constructor(message: string, exitCode: ExitCodeValue, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** The command line is wrong (exit 2). */
export class UsageError extends VaultctlError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Usage, hint);
  }
}

/** A required tool or service is missing (exit 3). */
export class PrerequisiteError extends VaultctlError {
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Prerequisite, hint, options);
  }
}

/** One problem in a scenario or config file, with where it is. */
export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  /** Dotted key path, e.g. `workload.replicas`; empty for the document itself. */
  path: string;
  message: string;
}

/**
 * A scenario or config file is invalid (exit 104). Every issue is reported, not just the first.
 * `subject` names the kind of file in the message ("scenario" unless given, e.g. "lab config").
 */
export class ConfigError extends VaultctlError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], hint?: string, subject = 'scenario') {
    const lines = issues.map((i) => `  ${i.file}:${i.line}:${i.col} ${i.path ? `${i.path}: ` : ''}${i.message}`);
    super(`invalid ${subject} (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}):\n${lines.join('\n')}`,
      ExitCode.InvalidConfig, hint);
    this.issues = issues;
  }
}

/** An external step failed (exit 4): a command, a child process or a server. Output is already redacted. */
export class ExternalError extends VaultctlError {
  readonly command?: string;
  readonly output?: string;
  constructor(message: string, opts: { hint?: string; command?: string; output?: string; cause?: unknown } = {}) {
    super(message, ExitCode.ExternalFailure, opts.hint, { cause: opts.cause });
    this.command = opts.command;
    this.output = opts.output;
  }
}

/** The run was interrupted by a signal (exit 105); cleanup ran and partial results were kept. */
export class InterruptedError extends VaultctlError {
  constructor(signal: string) {
    super(`interrupted by ${signal}: cleaned up, partial results kept`, ExitCode.Interrupted);
  }
}

/** Thresholds were crossed (exit 99). Raised only after every report is written. */
export class ThresholdsCrossedError extends VaultctlError {
  constructor(failed: string[]) {
    super(`thresholds crossed: ${failed.join(', ')}`, ExitCode.ThresholdsCrossed);
  }
}

/** A feature that a later release provides (exit 2, as the command exists but cannot run yet). */
export class NotYetAvailableError extends VaultctlError {
  constructor(what: string) {
    super(`${what} is not yet available in this version of vaultctl`, ExitCode.Usage,
      'run `vaultctl --help` to see what works today; the local target (`target: local`) runs without Docker');
  }
}

/** The exit code for any thrown value: ours carry one, anything else is a bug. */
export function exitCodeOf(err: unknown): ExitCodeValue {
  return err instanceof VaultctlError ? err.exitCode : ExitCode.Unexpected;
}

/** An unexpected state inside vaultctl (exit 1). */
export class BugError extends VaultctlError {
  constructor(message: string) {
    super(message, ExitCode.Unexpected, 'this is a bug in vaultctl; re-run with --debug and report it');
  }
}

/**
 * vaultctl's state directory (or a file in it) is not private to the current user: a symlink, not
 * a directory, owned by someone else, or writable by others (exit 3). Writing there could let
 * another local user redirect a root run's writes, so vaultctl refuses.
 */
export class UnsafeStateDirError extends VaultctlError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`refusing to use ${path} for vaultctl state: ${reason}`, ExitCode.Prerequisite,
      `remove it or set VAULTCTL_STATE_DIR to a directory of your own (mode 0700)`);
    this.path = path;
  }
}
