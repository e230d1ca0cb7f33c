import { ExternalError } from '../../errors/errors.js';
import type { PostgresExit, PostgresServer } from '../../ports/postgres.js';
import type { LocalContext } from './local-stack.js';

/** Log lines of the server kept in the event and the error: enough for the reason, short enough to read. */
const LOG_LINES = 6;

/** The run's view of its database: a server that dies mid-run ends the run with exit 4. */
export interface DatabaseWatch {
  /**
   * Aborts with the run's signal, or once the server died and `database_failed` is recorded:
   * what the load and later steps stop on.
   */
  readonly signal: AbortSignal;
  /** True from the moment the server exited unexpectedly. */
  failed(): boolean;
  /** The error the run ends with (ExternalError, exit 4); pending until the server fails. */
  error(): Promise<ExternalError>;
  /** `work`, unless the server dies first: then the run's error. */
  guard<T>(work: Promise<T>): Promise<T>;
  /** Runs `work`; whatever it throws once the server has died becomes the run's error. */
  explain<T>(work: () => Promise<T>): Promise<T>;
  stop(): void;
}

/**
 * Watches the run's Postgres. On an unexpected exit, `onFailure` runs at once (stop scheduling
 * rotations: each would fail against a dead server), then, once the server's last log lines are
 * in, `database_failed` is recorded and the load is stopped. Secrets are redacted by the server.
 */
export function watchDatabase(ctx: LocalContext, server: PostgresServer, onFailure: () => void): DatabaseWatch {
  const abort = new AbortController();
  let died = false;
  let resolveError: (e: ExternalError) => void = () => {};
  const failure = new Promise<ExternalError>((resolve) => { resolveError = resolve; });

  const unsubscribe = server.onUnexpectedExit((exit) => {
    died = true;
    const at = ctx.now();
    onFailure();
    void describe(exit).then(({ reason, lines }) => {
      const seconds = `${(at / 1000).toFixed(1)}s`;
      ctx.events.emit({ t: ctx.now(), type: 'database_failed',
        message: lines.length > 0 ? `${reason}; last log lines:\n${lines.join('\n')}` : reason });
      ctx.reporter.info(`  ! ${seconds} ${reason}: stopping the load and the rotations`);
      const error = new ExternalError(`${reason} ${seconds} into the run; the load and the rotations were stopped`, {
        command: 'postgres', output: lines.join('\n'),
        hint: 'something outside vaultctl ended the database (a kill, the OOM killer, a full disk); the results up to then are kept',
      });
      resolveError(error);
      abort.abort(error);
    });
  });

  return {
    signal: AbortSignal.any([ctx.signal, abort.signal]),
    failed: () => died,
    error: () => failure,
    guard: (work) => Promise.race([work, failure.then((e) => Promise.reject(e))]),
    async explain(work) {
      try {
        return await work();
      } catch (err) {
        // A dead database is the cause of whatever failed after it; the run ends with that reason.
        if (died) throw await failure;
        throw err;
      }
    },
    stop: unsubscribe,
  };
}

async function describe(exit: PostgresExit): Promise<{ reason: string; lines: string[] }> {
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  const output = await exit.output();
  return { reason: `Postgres exited unexpectedly (${how})`, lines: output.split('\n').filter(Boolean).slice(-LOG_LINES) };
}
