import { closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LineBuffer } from '../runtime/line-buffer.js';
import { DIR_MODE, FILE_MODE } from './results-dir-fs.js';

/** Where replica logs go inside a results directory. */
export const REPLICA_LOG_DIR = 'replicas';

/** A replica id as a file name: anything unusual becomes `_`. */
function fileName(replica: string): string {
  return `${replica.replace(/[^A-Za-z0-9._-]/g, '_')}.log`;
}

/**
 * Every replica's stdout and stderr in `<dir>/replicas/<id>.log`, one line at a time, each line
 * prefixed with the run-clock time and redacted (a secret split across two output chunks is whole
 * on its line). Files are 0600 in a 0700 directory, opened without following symlinks.
 */
export class ReplicaLogs {
  private readonly files = new Map<string, { fd: number; lines: LineBuffer }>();
  private closed = false;

  constructor(private readonly dir: string, private readonly now: () => number, private readonly redact: (text: string) => string) {}

  /** Appends a chunk of a replica's output; whole lines are written at once. */
  write(replica: string, chunk: string): void {
    if (this.closed) return;
    const file = this.open(replica);
    if (!file) return;
    const lines = file.lines.push(chunk);
    if (lines.length > 0) this.append(file.fd, lines);
  }

  /** Writes what is left of each replica's last line and closes the files. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const file of this.files.values()) {
      const rest = file.lines.take();
      if (rest) this.append(file.fd, [rest]);
      closeSync(file.fd);
    }
    this.files.clear();
  }

  private open(replica: string): { fd: number; lines: LineBuffer } | undefined {
    let file = this.files.get(replica);
    if (file) return file;
    try {
      mkdirSync(join(this.dir, REPLICA_LOG_DIR), { mode: DIR_MODE, recursive: true });
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW;
      file = { fd: openSync(join(this.dir, REPLICA_LOG_DIR, fileName(replica)), flags, FILE_MODE), lines: new LineBuffer() };
    } catch {
      // A log that cannot be written must not fail the run; the tail still reaches stderr on failure.
      return undefined;
    }
    this.files.set(replica, file);
    return file;
  }

  private append(fd: number, lines: string[]): void {
    const at = `[${(this.now() / 1000).toFixed(3)}s] `;
    try {
      writeSync(fd, lines.map((line) => `${at}${this.redact(line)}\n`).join(''));
    } catch {
      // a full disk: the run goes on without this log
    }
  }
}
