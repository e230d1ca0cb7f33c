import { execa } from 'execa';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { SecretRegistry } from '../errors/redact.js';
import { ExternalError, InterruptedError } from '../errors/errors.js';
import {
  CommandNotFoundError, commandFailed, formatArgv,
  type CommandRunner, type RunningCommand, type RunOptions, type RunResult,
} from '../ports/command-runner.js';

/** Default limit of one command; helm's own `--timeout` is shorter, so this only catches hangs. */
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

/**
 * The {@link CommandRunner} over execa 9 (stack-facts.md I): argv only, never a shell; output
 * captured as text; failures carry the redacted command line and output.
 */
export function createExecaRunner(opts: { secrets: SecretRegistry }): CommandRunner {
  const { secrets } = opts;
  return {
    async run(argv: string[], o: RunOptions = {}): Promise<RunResult> {
      const [file, ...args] = argv;
      const r = await execa(file ?? '', args, {
        reject: false,
        input: o.input,
        env: o.env,
        timeout: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        cancelSignal: o.signal,
        forceKillAfterDelay: 5_000,
        stripFinalNewline: false,
      });
      if ((r as { code?: string }).code === 'ENOENT') throw new CommandNotFoundError(argv, secrets);
      const result: RunResult = { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
      if (r.isCanceled) {
        // The runtime's signal aborts with "interrupted by SIGINT|SIGTERM".
        const reason = String((o.signal?.reason as Error | undefined)?.message ?? '');
        throw new InterruptedError(reason.match(/SIG[A-Z]+/)?.[0] ?? 'SIGINT');
      }
      if ((r.failed || result.exitCode !== 0) && !(o.allowFailure && !r.timedOut)) {
        throw commandFailed(argv, { ...result, timedOut: r.timedOut }, secrets);
      }
      return result;
    },
    start(argv, o = {}): RunningCommand {
      const [file, ...args] = argv;
      const child = execa(file ?? '', args, { reject: false, env: o.env, cancelSignal: o.signal, buffer: false, stdin: 'ignore' });
      const lines: string[] = [];
      const listeners = new Set<(line: string) => void>();
      let ended = false;
      const endListeners = new Set<() => void>();
      const follow = (stream: Readable | null) => {
        if (!stream) return;
        createInterface({ input: stream }).on('line', (line) => {
          lines.push(line);
          for (const l of listeners) l(line);
        });
      };
      follow(child.stdout);
      follow(child.stderr);
      void child.then(() => {
        ended = true;
        for (const l of endListeners) l();
      });
      return {
        waitForLine(pattern, timeoutMs) {
          return new Promise((resolve, reject) => {
            const done = () => { clearTimeout(timer); listeners.delete(onLine); endListeners.delete(onEnd); };
            const onLine = (line: string) => {
              const m = line.match(pattern);
              if (m) { done(); resolve(m); }
            };
            const onEnd = () => {
              done();
              const output = secrets.redact(lines.join('\n'));
              const command = secrets.redact(formatArgv(argv));
              reject(new ExternalError(`${argv[0]} ended before it was ready: ${command}`, { command, output }));
            };
            const timer = setTimeout(() => {
              done();
              const command = secrets.redact(formatArgv(argv));
              reject(new ExternalError(`${argv[0]} was not ready after ${timeoutMs} ms: ${command}`,
                { command, output: secrets.redact(lines.join('\n')) }));
            }, timeoutMs);
            listeners.add(onLine);
            endListeners.add(onEnd);
            for (const line of lines) onLine(line);
            if (ended) onEnd();
          });
        },
        async stop() {
          if (!ended) child.kill('SIGTERM');
          await child.catch(() => undefined);
        },
      };
    },
  };
}
