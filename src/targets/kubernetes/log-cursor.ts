import type { KubeApi, KubeLogOptions } from '../../ports/kube.js';

/*
 * A container's log as the API server streams it with `timestamps=true`: each line is the
 * kubelet's RFC3339Nano time, a space, then what the container wrote. Followed by the app-log
 * watch (the demo app's reloads) and the load Job (its workers' outcomes), both of which follow a
 * stream again when it ends early.
 */

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

/**
 * One follow of a container's log from where `cursor` stands: after the last line read, or `from`
 * before any; each new line's text (timestamp removed) goes to `onText`, every line once. Resolves
 * when the stream ends.
 */
export function followFromCursor(kube: KubeApi, at: { namespace: string; pod: string; container: string }, cursor: LogCursor,
  opts: { signal: AbortSignal; from?: Omit<KubeLogOptions, 'signal'> }, onText: (text: string) => void): Promise<void> {
  const sinceTime = cursor.sinceTime();
  cursor.restart();
  return kube.followLog(at.namespace, at.pod, at.container,
    { ...(sinceTime ? { sinceTime } : opts.from ?? {}), timestamps: true, signal: opts.signal }, (line) => {
      const text = cursor.take(line);
      if (text !== undefined) onText(text);
    });
}
