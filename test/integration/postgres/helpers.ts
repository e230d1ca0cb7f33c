import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEmbeddedPostgres } from '../../../src/adapters/embedded-postgres-server.js';
import { connectSql } from '../../../src/adapters/pg-sql.js';
import { SecretRegistry } from '../../../src/errors/redact.js';
import type { PostgresEndpoint, PostgresServer, SqlClient } from '../../../src/ports/postgres.js';

/** A real embedded Postgres for one test file, with its own state and base dirs. */
export interface TestPg {
  server: PostgresServer;
  endpoint: PostgresEndpoint;
  secrets: SecretRegistry;
  stateDir: string;
  baseDir: string;
  logs: string[];
  /** Admin connection to `database`. */
  admin(database?: string): Promise<SqlClient>;
  connectAs(user: string, password: string, database?: string): Promise<SqlClient>;
  cleanup(): Promise<void>;
}

/** A temp dir the `postgres` OS user can enter (root runs postgres as that user). */
export async function makeBaseDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

export async function startTestPg(): Promise<TestPg> {
  const secrets = new SecretRegistry();
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'vaultctl-test-state-'));
  const baseDir = await makeBaseDir('vaultctl-test-base-');
  const logs: string[] = [];
  const server = createEmbeddedPostgres({ stateDir, baseDir, secrets, log: (l) => logs.push(l) });
  const clients: SqlClient[] = [];
  const cleanup = async () => {
    for (const c of clients) await c.close();
    await server.stop();
    await rm(stateDir, { recursive: true, force: true });
    await rm(baseDir, { recursive: true, force: true });
  };
  let endpoint: PostgresEndpoint;
  try {
    endpoint = await server.start();
  } catch (err) {
    await cleanup();
    throw err;
  }
  const connectAs = async (user: string, password: string, database = 'postgres') => {
    const c = await connectSql({ host: endpoint.host, port: endpoint.port, database, user, password });
    clients.push(c);
    return c;
  };
  return {
    server, endpoint, secrets, stateDir, baseDir, logs, cleanup, connectAs,
    admin: (database = 'postgres') => connectAs(endpoint.adminUser, endpoint.adminPassword, database),
  };
}

/** The SQLSTATE/errno code a promise rejects with (fails the test if it resolves). */
export async function rejectionCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  throw new Error('expected a rejection');
}

/** True when pid exists and is not a zombie. */
export async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids whose command line mentions `needle`. */
export async function pidsMentioning(needle: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(needle) && (await alive(Number(name)))) out.push(Number(name));
  }
  return out;
}

export async function exists(p: string): Promise<boolean> {
  return readFile(p).then(() => true, (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
}

export async function waitFor(cond: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
