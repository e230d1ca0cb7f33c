import { SecretRegistry } from '../../src/errors/redact.js';
import { systemClock, type Runtime } from '../../src/runtime/runtime.js';

/** A Runtime with captured streams, for whole-command tests. */
export interface TestRuntime extends Runtime {
  out(): string;
  err(): string;
  abort(): void;
}

export function createTestRuntime(opts: { cwd: string; env?: Record<string, string | undefined>; tty?: boolean }): TestRuntime {
  let out = '';
  let err = '';
  const controller = new AbortController();
  return {
    stdout: { write: (s: string) => { out += s; return true; }, isTTY: Boolean(opts.tty) },
    stderr: { write: (s: string) => { err += s; return true; }, isTTY: Boolean(opts.tty) },
    env: opts.env ?? {},
    cwd: opts.cwd,
    clock: systemClock,
    signal: controller.signal,
    secrets: new SecretRegistry(),
    color: false,
    out: () => out,
    err: () => err,
    abort: () => controller.abort(new Error('interrupted by SIGINT')),
  };
}
