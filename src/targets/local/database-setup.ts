import type { SqlClient } from '../../ports/postgres.js';
import { quoteIdent } from './issuers/statements.js';

/**
 * Creates database `name` unless it exists. `sql` is an admin connection to another database
 * (usually `postgres`). Safe when two callers race: a duplicate (42P04) counts as success.
 */
export async function ensureDatabase(sql: SqlClient, name: string): Promise<void> {
  const { rows } = await sql.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rows.length > 0) return;
  try {
    await sql.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err;
  }
}
