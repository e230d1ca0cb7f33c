/**
 * The local Postgres's own account of failures: it logs every error with its SQLSTATE, so the
 * database-side causes (28P01 password authentication failed, 57P01 terminated, 42501 permission
 * denied, 53300 too many connections) are known for any app, not only for the demo app's 503s.
 */

/** Settings vaultctl starts the local Postgres with so its log can be read (postgresql.conf names). */
export const POSTGRES_LOG_SETTINGS: Readonly<Record<string, string>> = {
  // %n: epoch seconds with milliseconds; %e: SQLSTATE; %u: user; %d: database. `|` never occurs in them.
  log_line_prefix: '%n|%e|%u|%d|',
  log_connections: 'on',
  // Never the statement text after an error: a failed CREATE ROLE would carry its password.
  log_min_error_statement: 'panic',
  lc_messages: 'C',
};

/** One error line of the server's log. */
export interface PostgresLogError {
  /** Wall-clock epoch ms. */
  epochMs: number;
  code: string;
  severity: string;
  user: string;
  message: string;
}

const LINE = /^(\d+\.\d+)\|([0-9A-Z]{5})\|([^|]*)\|([^|]*)\|(ERROR|FATAL|PANIC):\s+(.*)$/;

/** Parses one log line written with POSTGRES_LOG_SETTINGS; undefined for anything but an error. */
export function parsePostgresLogLine(line: string): PostgresLogError | undefined {
  const m = LINE.exec(line.trim());
  if (!m) return undefined;
  return { epochMs: Math.round(Number(m[1]) * 1000), code: m[2], user: m[3], severity: m[5], message: m[6] };
}

/** What the counter emits: errors of one code within one group. */
export interface DatabaseErrorGroup {
  code: string;
  severity: string;
  /** First and last error of the group, ms on the caller's clock. */
  t: number;
  lastT: number;
  count: number;
  message: string;
}

/** How long one group spans: fine enough to line up with HTTP outcomes, coarse enough to bound the log. */
export const GROUP_MS = 100;

/**
 * Groups errors by code within GROUP_MS of the group's first one, so a revocation under 1000 req/s
 * makes ten events a second, not a thousand. `toRunMs` maps wall-clock epoch ms to the run clock.
 */
export class DatabaseErrorCounter {
  private readonly open = new Map<string, DatabaseErrorGroup>();

  constructor(private readonly toRunMs: (epochMs: number) => number, private readonly emit: (g: DatabaseErrorGroup) => void) {}

  /** Feeds one log line; lines that are not errors are ignored. */
  line(text: string): void {
    const e = parsePostgresLogLine(text);
    if (!e) return;
    const t = this.toRunMs(e.epochMs);
    const group = this.open.get(e.code);
    if (group && t - group.t < GROUP_MS) {
      group.count++;
      group.lastT = Math.max(group.lastT, t);
      return;
    }
    if (group) this.emit(group);
    this.open.set(e.code, { code: e.code, severity: e.severity, t, lastT: t, count: 1, message: e.message });
  }

  /** Emits the open groups that started at or before `upToMs` (all of them at the end of the run). */
  flush(upToMs = Infinity): void {
    const due = [...this.open.values()].filter((g) => g.t <= upToMs).sort((a, b) => a.t - b.t);
    for (const g of due) {
      this.open.delete(g.code);
      this.emit(g);
    }
  }
}
