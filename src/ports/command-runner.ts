import { ExternalError, PrerequisiteError } from '../errors/errors.js';
import type { SecretRegistry } from '../errors/redact.js';

/** Options of one command. */
export interface RunOptions {
  /** Written to the command's stdin (manifests for `kubectl apply -f -`). */
  input?: string;
  /** Extra environment variables, merged over the process environment. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** A non-zero exit resolves instead of throwing {@link ExternalCommandError}. */
  allowFailure?: boolean;
}

/** What a finished command left behind. */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A long-running command (e.g. `kubectl port-forward`). */
export interface RunningCommand {
  /** Resolves with the first stdout/stderr line matching `pattern`; rejects when the command ends first or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Stops the command (SIGTERM); safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs external programs by argv, never through a shell (kind's `exec.Cmd`, Shopify's
 * `system.ts`). A missing program rejects with {@link CommandNotFoundError} (exit 3) even with
 * `allowFailure`; a non-zero exit rejects with {@link ExternalCommandError} unless `allowFailure`.
 */
export interface CommandRunner {
  run(argv: string[], opts?: RunOptions): Promise<RunResult>;
  /** Starts a command that keeps running until stopped. */
  start(argv: string[], opts?: Omit<RunOptions, 'input' | 'allowFailure' | 'timeoutMs'>): RunningCommand;
}

/** How much of a failed command's output an error keeps (the end is where the reason is). */
const OUTPUT_TAIL_CHARS = 4000;

/** A command failed (exit 4). `command` and `output` are redacted. */
export class ExternalCommandError extends ExternalError {
  readonly argv: string[];
  readonly commandExitCode?: number;
  constructor(message: string, opts: { argv: string[]; command: string; output: string; commandExitCode?: number; hint?: string }) {
    super(message, { command: opts.command, output: opts.output, hint: opts.hint });
    this.argv = opts.argv;
    this.commandExitCode = opts.commandExitCode;
  }
}

/** The program of argv[0] is not installed (ENOENT): a missing prerequisite (exit 3). */
export class CommandNotFoundError extends PrerequisiteError {
  readonly argv: string[];
  readonly program: string;
  constructor(argv: string[], secrets: SecretRegistry) {
    super(`${argv[0]} is not installed (not found on PATH): ${secrets.redact(formatArgv(argv))}`,
      `install ${argv[0]} and make sure it is on PATH; \`vaultctl doctor\` checks every prerequisite`);
    this.argv = argv;
    this.program = argv[0] ?? '';
  }
}

/** Builds the error of a command that exited non-zero or timed out, redacting argv and output. */
export function commandFailed(argv: string[], result: RunResult & { timedOut?: boolean }, secrets: SecretRegistry): ExternalCommandError {
  const command = secrets.redact(formatArgv(argv));
  const output = secrets.redact(tail([result.stderr, result.stdout].map((s) => s.trimEnd()).filter(Boolean).join('\n')));
  const why = result.timedOut ? 'timed out' : `failed (exit ${result.exitCode})`;
  // `helm upgrade failed`: program and subcommand; the full command line follows in `command`.
  const words = argv.filter((a, i) => !a.startsWith('-') && !argv[i - 1]?.startsWith('--context')).slice(0, 2).join(' ');
  return new ExternalCommandError(`\`${words}\` ${why}`, { argv, command, output, commandExitCode: result.exitCode });
}

/** A copy-pasteable rendering of argv: words with shell metacharacters are single-quoted. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function tail(text: string): string {
  return text.length <= OUTPUT_TAIL_CHARS ? text : `…${text.slice(-OUTPUT_TAIL_CHARS)}`;
}
