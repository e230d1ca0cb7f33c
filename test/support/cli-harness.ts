import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { runCli, createCliDeps } from '../../src/cli/main.js';
import { createTestRuntime, type TestRuntime } from './test-runtime.js';
import type { CliDeps } from '../../src/cli/deps.js';
import type { RunEvent } from '../../src/ports/events.js';

/** The repository root (tests run with it as cwd). */
export const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * Runs started by runVaultctl that have not ended. A test that times out leaves its run going in
 * this process; when the file's worker then exits, the run's replicas and Postgres outlive it
 * (orphans no later run reaps: each file has its own state dir). So after each test, a run still
 * going is interrupted as Ctrl-C would, and its cleanup awaited.
 */
const running = new Set<{ rt: TestRuntime; done: Promise<unknown> }>();

afterEach(async () => {
  const left = [...running];
  for (const r of left) r.rt.abort();
  await Promise.allSettled(left.map((r) => r.done));
});

/** Runs the real CLI in-process with real adapters and captured streams. */
export async function runVaultctl(args: string[], opts: {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Adjusts the real dependencies, e.g. to make one adapter fail for a real reason. */
  deps?: (deps: CliDeps) => void;
  /** Aborts the run (as Ctrl-C does) this long after it starts. */
  abortAfterMs?: number;
  /**
   * Aborts the run (as Ctrl-C does) once this turns true, checked every 50 ms, e.g. when the run's
   * events.ndjson has `load_started`: a point in the run, not a time that CPU contention can shift.
   */
  abortWhen?: () => boolean;
} = {}): Promise<{ code: number; rt: TestRuntime }> {
  // A CI job summary must never receive what tests write; tests that want one pass it explicitly.
  const { GITHUB_STEP_SUMMARY: _summary, ...inherited } = process.env;
  const rt = createTestRuntime({ cwd: opts.cwd ?? repoRoot, env: opts.env ?? inherited });
  const deps = createCliDeps();
  opts.deps?.(deps);
  const timer = opts.abortAfterMs === undefined ? undefined : setTimeout(() => rt.abort(), opts.abortAfterMs);
  const { abortWhen } = opts;
  const poll = abortWhen && setInterval(() => {
    if (!abortWhen()) return;
    clearInterval(poll);
    rt.abort();
  }, 50);
  const done = runCli(args, rt, deps);
  const entry = { rt, done };
  running.add(entry);
  try {
    const code = await done;
    return { code, rt };
  } finally {
    running.delete(entry);
    clearTimeout(timer);
    clearInterval(poll);
  }
}

/** Deps that fail the run, recording it in `flag`, if it gets as far as starting Postgres. */
export function noStart(flag: { started: boolean }): (deps: CliDeps) => void {
  return (deps) => {
    deps.targets.local.createPostgres = () => {
      flag.started = true;
      throw new Error('Postgres must not be started');
    };
  };
}

/**
 * Polls `probe` every 50 ms until it returns a value other than undefined/false, and returns it;
 * throws naming `what` after `timeoutMs`. For tests that wait on a run's files instead of sleeping.
 */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The events a run has written so far to `<out>/events.ndjson` (none before it exists). */
export function runEvents(out: string): RunEvent[] {
  const file = join(out, 'events.ndjson');
  if (!existsSync(file)) return [];
  // The writer may be mid-line: a partial last line is not an event yet.
  const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1);
  return lines.filter(Boolean).map((l) => JSON.parse(l) as RunEvent);
}

/** True once the run in `out` has recorded an event of this type. */
export function hasEvent(out: string, type: RunEvent['type']): boolean {
  return runEvents(out).some((e) => e.type === type);
}

/** The run's run.json once it is complete JSON (a checkpoint may be half written), else undefined. */
export function readRunFile(out: string): Record<string, any> | undefined {
  const file = join(out, 'run.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  } catch {
    return undefined;
  }
}

/**
 * A private TMPDIR for this test file, so leftovers of a run can be seen, and a private state
 * dir inside it (run ledgers), so parallel test files never reap each other's runs.
 */
export function privateTmpdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vaultctl-test-tmp-'));
  // Like /tmp: the embedded Postgres runs as the "postgres" user when tests run as root.
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  process.env.VAULTCTL_STATE_DIR = join(dir, 'vaultctl-state');
  return dir;
}

/** True when `dir` holds no file at any depth (a state dir whose run ledgers were all removed). */
function holdsNoFile(dir: string): boolean {
  return readdirSync(dir).every((n) => statSync(join(dir, n)).isDirectory() && holdsNoFile(join(dir, n)));
}

/**
 * Directories of a test file that runs vaultctl: `out` for results and inputs, `tmp` a private
 * TMPDIR whose leftovers show what a run failed to clean up. Created before, removed after.
 */
export function useRunDirs(prefix = 'vaultctl-results-'): { readonly out: string; readonly tmp: string } {
  const dirs = { out: '', tmp: '' };
  beforeAll(() => {
    // `out` first: privateTmpdir() changes TMPDIR for everything after it.
    dirs.out = mkdtempSync(join(tmpdir(), prefix));
    dirs.tmp = privateTmpdir();
  });
  afterAll(() => {
    removeDir(dirs.out);
    removeDir(dirs.tmp);
  });
  return dirs;
}

/** Files and dirs left in a private TMPDIR, ignoring the state dir once no run ledger is left in it, and the binary cache. */
export function leftovers(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'vaultctl-state' && statSync(p).isDirectory() && holdsNoFile(p)) continue;
    // The PostgreSQL binaries copied for a root run from a private directory: a cache, kept on purpose.
    if (/^vaultctl-postgres-[^/]+-\d[^/]*$/.test(name)) continue;
    out.push(name);
  }
  return out;
}

/** Processes whose command line mentions `needle` (e.g. a temp dir) or that are children of this process. */
export function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const zombie = stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
      if (!zombie && (cmd.includes(needle) || ppid === process.pid)) found.push(`${pid} ${cmd.trim()}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Every file under a directory, recursively, with its text. */
export function readTree(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...readTree(p));
    else out.push({ path: p, text: readFileSync(p, 'utf8') });
  }
  return out;
}

/**
 * Nothing the run started survives it (no process or file under `tmp`), and no secret the run
 * registered — nor any of `extraSecrets` — appears in its stdout, stderr or results directory.
 */
export function expectCleanAndRedacted(rt: TestRuntime, out: string, tmp: string, extraSecrets: string[] = []): void {
  expect(processesMentioning(tmp)).toEqual([]);
  expect(leftovers(tmp)).toEqual([]);
  const secrets = [...extraSecrets, ...rt.secrets.list()];
  expect(rt.secrets.list().length).toBeGreaterThan(0);
  for (const text of [rt.out(), rt.err(), ...readTree(out).map((f) => f.text)]) {
    for (const s of secrets) expect(text.includes(s)).toBe(false);
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
