import { readFileSync, readdirSync } from 'node:fs';

/*
 * Looking at other processes through /proc (Linux), for the run ledger and its reaper: a pid
 * alone may have been reused by the time a later run looks, so a process is named by its pid and
 * its start time (field 22 of /proc/PID/stat, clock ticks since boot).
 */

/** This process's id. */
export const selfPid = (): number => process.pid;

/** The fields of /proc/PID/stat after the command name (field 3 = index 0), or undefined. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The start time of `pid` (field 22 of /proc/PID/stat), or undefined when it does not exist. */
export function startTimeOf(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** True when `pid` exists and is not a zombie (an unreaped orphan still answers kill 0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const fields = statFields(pid);
  return fields === undefined ? true : fields[0] !== 'Z';
}

/** True when `pid` runs and is the process that started at `startTime` (not a reused pid). */
export function isSameProcess(pid: number, startTime: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  // Without /proc (not Linux) there is no start time to compare: alive has to do.
  const now = startTimeOf(pid);
  return startTime === undefined || now === undefined || now === startTime;
}

/** Sends `signal` to `pid`; false when it is gone or not ours. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits until none of `pids` is alive or `ms` passed; returns those still alive. */
export async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = pids.filter(isAlive);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Live processes whose environment holds `name=value` (as set on every child of a run). */
export function pidsWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out; // no /proc: only the pids in the ledger are known
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (environ.split('\0').includes(needle) && isAlive(pid)) out.push(pid);
  }
  return out;
}

/** This process's environment as a plain record, for children that need all of it (initdb, postgres). */
export function ownEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[k] = v;
  return out;
}

/** This process's uid; undefined where there is none (Windows). */
export const currentUid = (): number | undefined => process.getuid?.();
