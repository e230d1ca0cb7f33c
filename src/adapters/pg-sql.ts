import pg from 'pg';
import type { SqlClient, SqlConnector } from '../ports/postgres.js';

/**
 * Opens one `pg.Client` connection. Errors are pg's own, so `code` keeps the SQLSTATE
 * (`28P01`, `57P01`, ...) or the errno code (`ECONNREFUSED`).
 */
export const connectSql: SqlConnector = async (conn) => {
  const client = new pg.Client({
    host: conn.host, port: conn.port, database: conn.database, user: conn.user, password: conn.password,
    connectionTimeoutMillis: 10_000,
  });
  // A terminated idle connection emits 'error' (57P01); without a listener it would crash the process.
  // It is kept so that the next query rejects with it (pg's own rejection then has no code).
  let broken: (Error & { code?: string }) | undefined;
  client.on('error', (err) => { broken ??= err; });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  let closed = false;
  const sql: SqlClient = {
    async query(text, params) {
      // Without params pg uses the simple protocol, which allows several statements in one string.
      let res;
      try {
        res = params === undefined ? await client.query(text) : await client.query(text, params);
      } catch (err) {
        throw (err as { code?: string }).code === undefined && broken ? broken : err;
      }
      // A multi-statement string yields one result per statement; the last one is what callers want.
      const last = Array.isArray(res) ? res[res.length - 1] : res;
      return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
  return sql;
};
