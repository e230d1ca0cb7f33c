import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './cli-harness.js';

/** The built CLI (bin/vaultctl → dist/) running as its own process, so it can be SIGKILLed. */
export interface CliProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
}

/** Starts `vaultctl args` in its own process group (as a terminal would), with `env`. */
export function startCli(args: string[], env: Record<string, string | undefined>): CliProcess {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'vaultctl'), ...args],
    { cwd: repoRoot, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => { err += c; });
  const exited = new Promise<number | NodeJS.Signals>((r) => child.once('exit', (code, sig) => r(code ?? sig!)));
  return { child, stderr: () => err, exited };
}

/** One process from /proc. */
export interface ProcInfo {
  pid: number;
  cmdline: string[];
}

/** Live (non-zombie) children of `ppid`. */
export function childrenOf(ppid: number): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== ppid || fields[0] === 'Z') continue;
      out.push({ pid: Number(name), cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean) });
    } catch {
      // gone while we looked
    }
  }
  return out;
}

/** True while `pid` runs (a zombie does not count). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** True when nothing listens on 127.0.0.1:port any more. */
export function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

/** Names in `dir` that match `pattern`. */
export function namesIn(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).filter((n) => pattern.test(n));
}
