import { describe, expect, it } from 'vitest';
import { CleanupStack } from '../../../src/runtime/cleanup-stack.js';
import { ExternalError } from '../../../src/errors/errors.js';
import { SecretRegistry } from '../../../src/errors/redact.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { PostgresExit, PostgresServer } from '../../../src/ports/postgres.js';
import { watchDatabase } from '../../../src/targets/local/database-watch.js';
import type { LocalContext } from '../../../src/targets/local/local-stack.js';

/** A server whose exit the test decides; output() settles when the test says so. */
function fakeServer() {
  const listeners = new Set<(e: PostgresExit) => void>();
  let releaseOutput: (text: string) => void = () => {};
  const output = new Promise<string>((r) => { releaseOutput = r; });
  const server: PostgresServer = {
    start: async () => { throw new Error('not used'); },
    stop: async () => {},
    onUnexpectedExit: (l) => { listeners.add(l); return () => listeners.delete(l); },
  };
  return {
    server, listeners, releaseOutput,
    die: (signal: string) => { for (const l of [...listeners]) l({ code: null, signal, output: () => output }); },
  };
}

function context(signal = new AbortController().signal) {
  const events: RunEvent[] = [];
  const lines: string[] = [];
  let t = 1000;
  const ctx = {
    events: { emit: (e: RunEvent) => events.push(e) },
    reporter: { info: (l: string) => lines.push(l), step: () => ({ done() {}, fail() {} }) },
    secrets: new SecretRegistry(), now: () => (t += 100), signal, cleanup: new CleanupStack(),
  } as unknown as LocalContext;
  return { ctx, events, lines };
}

describe('watchDatabase', () => {
  it('stops rotations at once, then records database_failed with the log and stops the load', async () => {
    const pg = fakeServer();
    const { ctx, events, lines } = context();
    let halted = 0;
    const watch = watchDatabase(ctx, pg.server, () => { halted++; });
    expect(watch.failed()).toBe(false);

    pg.die('SIGKILL');
    expect(watch.failed()).toBe(true);
    expect(halted).toBe(1);
    // The load keeps going until the server's last lines are in and the failure is recorded.
    expect(watch.signal.aborted).toBe(false);
    expect(events).toEqual([]);

    pg.releaseOutput('LOG:  ready\nFATAL:  terminating connection due to unexpected postmaster exit\n');
    const err = await watch.error();
    expect(err).toBeInstanceOf(ExternalError);
    expect(err.exitCode).toBe(4);
    expect(err.message).toMatch(/^Postgres exited unexpectedly \(signal SIGKILL\) 1\.1s into the run/);
    expect(err.output).toBe('LOG:  ready\nFATAL:  terminating connection due to unexpected postmaster exit');
    expect(watch.signal.aborted).toBe(true);
    expect(events).toEqual([{ t: expect.any(Number), type: 'database_failed', message:
      'Postgres exited unexpectedly (signal SIGKILL); last log lines:\nLOG:  ready\nFATAL:  terminating connection due to unexpected postmaster exit' }]);
    expect(lines.join('\n')).toContain('Postgres exited unexpectedly (signal SIGKILL): stopping the load');
  });

  it('guard() lets work finish while the server lives, and ends it with the error when it dies', async () => {
    const pg = fakeServer();
    const watch = watchDatabase(context().ctx, pg.server, () => {});
    await expect(watch.guard(Promise.resolve(7))).resolves.toBe(7);
    const never = watch.guard(new Promise(() => {}));
    pg.die('SIGSEGV');
    pg.releaseOutput('');
    await expect(never).rejects.toThrow(/signal SIGSEGV/);
  });

  it('follows the run signal, and stop() unsubscribes', () => {
    const run = new AbortController();
    const pg = fakeServer();
    const watch = watchDatabase(context(run.signal).ctx, pg.server, () => {});
    run.abort();
    expect(watch.signal.aborted).toBe(true);
    watch.stop();
    expect(pg.listeners.size).toBe(0);
  });
});
