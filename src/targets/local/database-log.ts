import type { PostgresServer } from '../../ports/postgres.js';
import type { TargetContext } from '../target.js';
import { DatabaseErrorCounter, GROUP_MS } from './postgres-log.js';

/** How often groups older than GROUP_MS are written out while the run goes on. */
const FLUSH_EVERY_MS = 250;

/**
 * Turns the errors the run's Postgres logs into `database_errors` events on the run clock, so
 * the database's own causes (28P01, 57P01, 42501, …) line up with the HTTP outcomes for any app.
 * Returns the stop function, which writes out what is still grouped.
 */
export function watchDatabaseLog(ctx: Pick<TargetContext, 'events' | 'now' | 'wallClock'>, server: PostgresServer): () => void {
  if (!server.onLog) return () => {};
  // Wall-clock epoch ms of the run's time zero; the log's %n times are wall-clock.
  const zeroEpochMs = ctx.wallClock().getTime() - ctx.now();
  const counter = new DatabaseErrorCounter((epochMs) => epochMs - zeroEpochMs, (g) => ctx.events.emit({
    t: g.t, type: 'database_errors', code: g.code, severity: g.severity, count: g.count, lastT: g.lastT, message: g.message,
  }));
  const unsubscribe = server.onLog((line) => counter.line(line));
  const timer = setInterval(() => counter.flush(ctx.now() - GROUP_MS), FLUSH_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
    counter.flush();
  };
}
