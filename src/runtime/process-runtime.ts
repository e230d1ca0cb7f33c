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
  const env = process.env;
  return {
    stdout: process.stdout as unknown as Runtime['stdout'],
    stderr: process.stderr as unknown as Runtime['stderr'],
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
