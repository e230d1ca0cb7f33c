import { SecretRegistry } from '../errors/redact.js';
import { systemClock, type Runtime } from './runtime.js';

/** The signal that aborted the runtime, if any. */
export interface ProcessRuntime extends Runtime {
  interruptedBy(): NodeJS.Signals | undefined;
  dispose(): void;
}

/** Builds the production Runtime from `process`. Only cli/main.ts calls this. */
export function createProcessRuntime(): ProcessRuntime {
  const controller = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) {
      // A second Ctrl-C while cleanup runs: the user insists.
      process.stderr.write('\ninterrupted twice: exiting without waiting for cleanup\n');
      process.exit(105);
    }
    interrupted = sig;
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `vaultctl ... | head`: when the reader goes away, stop the run as Ctrl-C would, so cleanup
  // still runs, instead of dying on EPIPE with Postgres and replicas left behind.
  let broken = false;
  const onStreamError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    broken = true;
    if (!controller.signal.aborted) {
      interrupted = 'SIGPIPE';
      controller.abort(new Error('output closed (EPIPE)'));
    }
  };
  process.stdout.on('error', onStreamError);
  process.stderr.on('error', onStreamError);
  const guard = (stream: NodeJS.WriteStream): Runtime['stdout'] & { readonly rows?: number } => ({
    write: (chunk: string) => (broken ? false : stream.write(chunk)),
    get isTTY() { return Boolean(stream.isTTY); },
    get columns() { return stream.columns; },
    get rows() { return stream.rows; },
  });
  const env = process.env;
  return {
    stdout: guard(process.stdout),
    stderr: guard(process.stderr),
    env,
    cwd: process.cwd(),
    clock: systemClock,
    signal: controller.signal,
    secrets: new SecretRegistry(),
    color: Boolean(process.stderr.isTTY) && !('NO_COLOR' in env) && env.TERM !== 'dumb',
    interruptedBy: () => interrupted,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
