/**
 * Reading the demo app's log as the API server streams it with `timestamps=true`: each line is
 * the kubelet's RFC3339Nano time, a space, then what the app wrote — one JSON object per line,
 * `{"ts","event","pid",...fields}` (src/demo-app/server.ts `log()`).
 */

/** What the app-log watch acts on; every other event (listening, ready, draining, exit...) is ignored. */
export type AppLogEvent =
  | { event: 'reloaded'; username: string }
  | { event: 'reload_failed'; message: string };

/** The app's event in one log line, or undefined for any other line (not JSON, another event). */
export function parseAppLine(text: string): AppLogEvent | undefined {
  if (!text.startsWith('{')) return undefined;
  let o: { event?: unknown; username?: unknown; message?: unknown };
  try {
    o = JSON.parse(text) as typeof o;
  } catch {
    return undefined;
  }
  if (o.event === 'reloaded' && typeof o.username === 'string') return { event: 'reloaded', username: o.username };
  if (o.event === 'reload_failed') return { event: 'reload_failed', message: withheldInput(typeof o.message === 'string' ? o.message : '') };
  return undefined;
}

/**
 * A reload fails when the credentials file does not parse; V8's JSON.parse message quotes the
 * input (`Unexpected token 'x', "{"username":..." is not valid JSON`), which holds the password.
 */
function withheldInput(message: string): string {
  return message.replace(/, ".*" is not valid JSON/s, ', (input withheld) is not valid JSON');
}

/**
 * Where a container's log has been read up to, so a follow resumed after the stream ended
 * delivers each line once. The API takes `sinceTime` at whole seconds only (the API server
 * formats it with time.RFC3339 before the kubelet sees it: kubernetes/kubernetes
 * pkg/registry/core/pod/strategy.go LogLocation), so a resumed follow replays the rest of that
 * second: lines older than the last one seen are skipped, and of the lines stamped exactly as the
 * last one, as many as were already seen. Timestamps go on across container restarts (wall
 * clock), so the same cursor serves the next instance of the container.
 */
export class LogCursor {
  /** Last timestamp seen, normalised to `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` UTC (sorts as text). */
  private key?: string;
  /** Lines seen stamped exactly `key`. */
  private count = 0;
  /** Lines stamped `key` in the current stream. */
  private inStream = 0;

  /** A new stream begins (call before its first line). */
  restart(): void {
    this.inStream = 0;
  }

  /** `sinceTime` for a resumed follow: the second of the last line seen; undefined before any. */
  sinceTime(): string | undefined {
    return this.key ? `${this.key.slice(0, 19)}Z` : undefined;
  }

  /** The app's text of a new line, or undefined for a line already delivered. A line without timestamp passes. */
  take(line: string): string | undefined {
    const sp = line.indexOf(' ');
    const key = sp > 0 ? stampKey(line.slice(0, sp)) : undefined;
    if (!key) return line;
    const text = line.slice(sp + 1);
    if (this.key !== undefined && key < this.key) return undefined;
    if (key === this.key) {
      this.inStream++;
      if (this.inStream <= this.count) return undefined;
      this.count = this.inStream;
      return text;
    }
    this.key = key;
    this.count = 1;
    this.inStream = 1;
    return text;
  }
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** An RFC 3339 timestamp as a UTC key that sorts as text; undefined when it is none. */
export function stampKey(stamp: string): string | undefined {
  const m = STAMP.exec(stamp);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return `${new Date(ms).toISOString().slice(0, 19)}.${(m[2] ?? '').padEnd(9, '0')}`;
}
