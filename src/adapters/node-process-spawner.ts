import { execFile, spawn } from 'node:child_process';
import type { ProcessExit, ProcessSpawner, SpawnedProcess, SpawnRequest } from '../ports/process-spawner.js';
import { onProcessExit } from '../runtime/exit-hook.js';
import { startTimeOf } from '../runtime/proc.js';
import { RUN_MARKER_ENV, type RunLedger } from '../runtime/run-ledger.js';

/**
 * {@link ProcessSpawner} over node:child_process. Each child is recorded in `ledger` before it is
 * spawned (label, stop signal) and with its pid and start time right after; its env carries
 * `VAULTCTL_RUN=<run id>`, which also names it (and its own children) should vaultctl be killed
 * between the two. The entry is forgotten when it exits. If vaultctl exits while it runs, it gets
 * `exitSignal` from the exit hook.
 */
export function createNodeProcessSpawner(ledger: RunLedger): ProcessSpawner {
  return { spawn: (req) => spawnRecorded(ledger, req) };
}

function spawnRecorded(ledger: RunLedger, req: SpawnRequest): SpawnedProcess {
  const entry = ledger.record({ kind: 'process', label: req.label, stopSignal: req.stopSignal ?? 'SIGTERM' });
  const [file, ...args] = req.argv;
  const child = spawn(file, args, {
    env: { ...req.env, [RUN_MARKER_ENV]: ledger.runId }, cwd: req.cwd, uid: req.uid, gid: req.gid,
    detached: req.detached ?? false, stdio: [req.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let done = false;
  child.on('error', () => {}); // a failed kill() of a process that just exited: the exit covers it
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (error) => {
      // 'error' also reports a failed kill() of a live child; only a failed spawn ends it.
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => { if (child.pid === undefined) resolve(); });
  });
  if (child.pid !== undefined) ledger.update(entry, { pid: child.pid, startTime: startTimeOf(child.pid) });
  const unhook = onProcessExit(() => {
    if (done) return;
    const sig = req.exitSignal ?? 'SIGKILL';
    // A SIGKILL that was sent cannot fail to end it; a gentler signal may, so that entry stays for the reaper.
    if (child.kill(sig) && sig === 'SIGKILL') ledger.forget(entry);
  });
  void exited.then(() => {
    done = true;
    unhook();
    ledger.forget(entry);
  });
  const listeners: Array<(text: string) => void> = [];
  const stdoutListeners: Array<(text: string) => void> = [];
  const deliver = (text: string) => {
    for (const l of listeners) l(text);
  };
  // utf8 decoding keeps a character split across two chunks whole.
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    deliver(text);
    for (const l of stdoutListeners) l(text);
  });
  // A child gone before its stdin was read: the write fails with EPIPE, which its exit reports.
  child.stdin?.on('error', () => {});
  child.stderr?.setEncoding('utf8').on('data', deliver);
  return {
    pid: child.pid,
    running: () => !done && child.pid !== undefined && child.exitCode === null && child.signalCode === null,
    onOutput: (listener) => { listeners.push(listener); },
    onStdout: (listener) => { stdoutListeners.push(listener); },
    write: (text) => (child.stdin && !child.stdin.destroyed ? (child.stdin.write(text), true) : false),
    kill: (signal) => {
      if (done || child.pid === undefined) return false;
      try {
        return child.kill(signal);
      } catch {
        return false;
      }
    },
    exited,
    closed,
  };
}

/**
 * Runs a short command that cannot outlive the caller's await (`id`, `ipcrm`) and resolves with
 * its stdout, or undefined when it fails. Not recorded: it is over before anything could be reaped.
 */
export function runShortCommand(argv: string[]): Promise<string | undefined> {
  const [file, ...args] = argv;
  return new Promise((resolve) => execFile(file, args, { timeout: 10_000 }, (err, out) => resolve(err ? undefined : out)));
}
