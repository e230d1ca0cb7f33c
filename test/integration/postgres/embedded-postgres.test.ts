import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanStalePostgres, createEmbeddedPostgres } from '../../../src/adapters/embedded-postgres-server.js';
import type { LedgerFile } from '../../../src/runtime/run-ledger.js';
import { ExternalError } from '../../../src/errors/errors.js';
import { SecretRegistry } from '../../../src/errors/redact.js';
import { alive, exists, makeBaseDir, pidsMentioning, startTestPg, waitFor, type TestPg } from './helpers.js';

// Taken before embedded-postgres is imported: its async-exit-hook must not stay installed.
const HOOKED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit'] as const;
const listenersBefore = HOOKED.map((e) => process.listenerCount(e));

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'hold-postgres.ts');

/** What a run ledger says about the embedded Postgres it records. */
interface PostgresRecord {
  vaultctlPid: number;
  postgresPid?: number;
  dataDir: string;
  port: number;
}

function postgresRecord(ledger: LedgerFile): PostgresRecord {
  const pg = ledger.entries.find((e) => e.kind === 'postgres')!;
  const proc = ledger.entries.find((e) => e.kind === 'process' && e.label === 'postgres');
  return { vaultctlPid: ledger.pid, postgresPid: proc?.pid, dataDir: pg.dataDir!, port: pg.port! };
}

/** The Postgres records of every run ledger in `<stateDir>/runs`. */
async function records(stateDir: string): Promise<PostgresRecord[]> {
  const runs = path.join(stateDir, 'runs');
  const names = (await readdir(runs).catch(() => [])).filter((n) => n.endsWith('.json'));
  const ledgers = await Promise.all(names.map(async (n) => JSON.parse(await readFile(path.join(runs, n), 'utf8')) as LedgerFile));
  return ledgers.filter((l) => l.entries.some((e) => e.kind === 'postgres')).map(postgresRecord);
}

describe('embedded Postgres server', () => {
  let pg: TestPg;
  beforeAll(async () => { pg = await startTestPg(); }, 60_000);
  afterAll(async () => { await pg?.cleanup(); }, 60_000);

  it('starts on a loopback port with a registered random admin password', async () => {
    expect(pg.endpoint.host).toBe('127.0.0.1');
    expect(pg.endpoint.database).toBe('postgres');
    expect(pg.secrets.redact(`pw=${pg.endpoint.adminPassword}`)).toBe('pw=***');
    const admin = await pg.admin();
    const { rows } = await admin.query('SELECT current_user AS u, current_setting($1) AS m', ['max_connections']);
    expect(rows[0]).toEqual({ u: 'postgres', m: '300' });
  });

  it('leaves the process signal handlers alone (the library would otherwise exit on SIGINT/SIGTERM)', () => {
    expect(HOOKED.map((e) => process.listenerCount(e))).toEqual(listenersBefore);
  });

  it('records its run while running; stop() kills postgres, removes the data dir and the record, and is safe twice', async () => {
    const [record] = await records(pg.stateDir);
    expect(record).toMatchObject({ vaultctlPid: process.pid, port: pg.endpoint.port });
    expect(path.basename(record.dataDir)).toMatch(/^vaultctl-pg-/);
    expect(await alive(record.postgresPid!)).toBe(true);
    expect(await exists(record.dataDir)).toBe(true);

    await pg.server.stop();
    await pg.server.stop();
    expect(await alive(record.postgresPid!)).toBe(false);
    expect(await exists(record.dataDir)).toBe(false);
    expect(await records(pg.stateDir)).toEqual([]);
  }, 30_000);
});

describe('embedded Postgres exits', () => {
  it('reports a SIGKILLed postmaster with its signal and last log lines; stop() still removes everything', async () => {
    const pg = await startTestPg();
    try {
      const exits: { signal: string | null; output: string }[] = [];
      pg.server.onUnexpectedExit(async (e) => exits.push({ signal: e.signal, output: await e.output() }));
      const [record] = await records(pg.stateDir);
      // A session open at the kill: its backend logs why it ends.
      const admin = await pg.admin();
      await admin.query('SELECT 1');
      process.kill(record.postgresPid!, 'SIGKILL');
      await waitFor(() => exits.length === 1, 10_000, 'the exit to be reported');
      expect(exits[0].signal).toBe('SIGKILL');
      expect(exits[0].output).toContain('terminating connection due to unexpected postmaster exit');
      expect(exits[0].output).not.toContain(pg.endpoint.adminPassword);
      // A listener that comes late hears of it at once.
      let late: string | null = null;
      pg.server.onUnexpectedExit((e) => { late = e.signal; });
      expect(late).toBe('SIGKILL');

      await pg.server.stop();
      expect(await exists(record.dataDir)).toBe(false);
      // The killed postmaster could not remove its System V shared memory; stop() did.
      const shm = (await readFile('/proc/sysvipc/shm', 'utf8')).split('\n').slice(1).map((r) => r.trim().split(/\s+/).map(Number));
      expect(shm.filter((f) => f[4] === record.postgresPid)).toEqual([]);
    } finally {
      await pg.cleanup();
    }
  }, 60_000);

  it('does not report the exit that stop() causes', async () => {
    const pg = await startTestPg();
    let reported = false;
    pg.server.onUnexpectedExit(() => { reported = true; });
    await pg.cleanup();
    await new Promise((r) => setTimeout(r, 200));
    expect(reported).toBe(false);
  }, 60_000);
});

describe('stale embedded Postgres cleanup', () => {
  let stateDir: string;
  let baseDir: string;
  let holder: ChildProcess | undefined;
  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'vaultctl-test-state-'));
    baseDir = await makeBaseDir('vaultctl-test-base-');
  });
  afterAll(async () => {
    holder?.kill('SIGKILL');
    await cleanStalePostgres(stateDir);
    for (const pid of await pidsMentioning(baseDir)) process.kill(pid, 'SIGKILL');
    await rm(stateDir, { recursive: true, force: true });
    await rm(baseDir, { recursive: true, force: true });
  }, 30_000);

  it('stops the orphaned postgres of a SIGKILLed vaultctl and removes its dir and record', async () => {
    holder = spawn(process.execPath, ['--import', 'tsx', FIXTURE, stateDir, baseDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    holder.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    holder.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    await waitFor(() => out.includes('\n') || holder!.exitCode !== null, 60_000, 'the holder to start postgres');
    expect(err).toBe('');
    const record = postgresRecord(JSON.parse(out.trim()) as LedgerFile);
    expect(record.vaultctlPid).toBe(holder.pid);

    const exited = new Promise((r) => holder!.once('exit', r));
    holder.kill('SIGKILL');
    await exited;
    // The orphan keeps running: that is what the cleanup is for.
    expect(await alive(record.postgresPid!)).toBe(true);

    const lines: string[] = [];
    expect(await cleanStalePostgres(stateDir, (l) => lines.push(l))).toBe(1);
    expect(await alive(record.postgresPid!)).toBe(false);
    expect(await exists(record.dataDir)).toBe(false);
    expect(await readdir(path.join(stateDir, 'runs'))).toEqual([]);
    expect(lines.join('\n')).toContain(`vaultctl pid ${record.vaultctlPid}`);
    expect(await cleanStalePostgres(stateDir)).toBe(0);
  }, 90_000);

  it('leaves records of live processes alone', async () => {
    const { openRunLedger } = await import('../../../src/runtime/run-ledger.js');
    const ledger = openRunLedger(path.join(stateDir, 'runs'));
    const id = ledger.record({ kind: 'postgres', dataDir: path.join(baseDir, 'vaultctl-pg-x'), port: 1 });
    expect(await cleanStalePostgres(stateDir)).toBe(0);
    expect(await readdir(path.join(stateDir, 'runs'))).toEqual([ledger.fileName]);
    ledger.forget(id);
  });
});

describe('embedded Postgres start failure', () => {
  let blocker: net.Server | undefined;
  let baseDir: string;
  let stateDir: string;
  afterEach(async () => {
    await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
    await rm(stateDir, { recursive: true, force: true });
    await rm(baseDir, { recursive: true, force: true });
  });

  it('fails with ExternalError and the server log when the port is taken, leaving no dir, record or process', async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'vaultctl-test-state-'));
    baseDir = await makeBaseDir('vaultctl-test-base-');
    blocker = net.createServer();
    await new Promise<void>((r) => blocker!.listen({ host: '127.0.0.1', port: 0 }, r));
    const port = (blocker.address() as net.AddressInfo).port;
    const server = createEmbeddedPostgres({ stateDir, baseDir, port, secrets: new SecretRegistry() });

    const err = await server.start().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).exitCode).toBe(4);
    expect((err as ExternalError).output).toMatch(/Address already in use|could not bind/);
    expect((err as ExternalError).hint).toBeTruthy();
    expect(await readdir(baseDir)).toEqual([]);
    expect(await readdir(path.join(stateDir, 'runs'))).toEqual([]);
    expect(await pidsMentioning(baseDir)).toEqual([]);
    await server.stop();
  }, 60_000);
});
