import pg from 'pg';

/**
 * What the Vault double does with a database when credentials are issued or revoked: the work
 * Vault's Postgres plugin does (stack-facts C: creation statements with {{name}}, {{password}},
 * {{expiration}}; revocation statements, else drop the role). Test-only.
 */
export interface DoubleDatabasePlugin {
  create(config: Record<string, unknown>, role: Record<string, unknown>,
    creds: { username: string; password: string; expiration: Date }): Promise<void>;
  revoke(config: Record<string, unknown>, role: Record<string, unknown>, username: string): Promise<void>;
  /** A lease renewal: the renew statements with the new {{expiration}}. */
  renew?(config: Record<string, unknown>, role: Record<string, unknown>, username: string, expiration: Date): Promise<void>;
}

/** Runs the role's statements against the database named by the connection config, with pg. */
export const sqlPlugin: DoubleDatabasePlugin = {
  async create(config, role, creds) {
    await run(config, statements(role.creation_statements), { name: creds.username, password: creds.password, expiration: pgTime(creds.expiration) });
  },
  async renew(config, role, username, expiration) {
    const given = statements(role.renew_statements);
    // stack-facts C: the plugin's default renew statement.
    await run(config, given.length > 0 ? given : ['ALTER ROLE "{{name}}" VALID UNTIL \'{{expiration}}\';'],
      { name: username, expiration: pgTime(expiration) });
  },
  async revoke(config, role, username) {
    const given = statements(role.revocation_statements);
    await run(config, given.length > 0 ? given : ['DROP ROLE IF EXISTS "{{name}}";'], { name: username });
  },
};

function pgTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '+00');
}

function statements(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' && v.trim() ? v.split(';').filter((s) => s.trim()).map((s) => `${s};`) : [];
}

async function run(config: Record<string, unknown>, sqls: string[], vars: Record<string, string>): Promise<void> {
  const url = String(config.connection_url)
    .replace('{{username}}', encodeURIComponent(String(config.username)))
    .replace('{{password}}', encodeURIComponent(String(config.password)));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const sql of sqls) await client.query(sql.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m));
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}
