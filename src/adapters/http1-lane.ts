import * as net from 'node:net';
import { Http1ResponseParser, type ParsedResponse } from './http1-response.js';

/** Code of a request whose connection the server closed (FIN, not RST) before answering it. */
export const CLOSED_BEFORE_RESPONSE = 'closed_before_response';

/** A cancellable timer that never fires before `ms` have passed on the monotonic clock. */
export interface Deadline {
  clear(): void;
}

/**
 * Runs `fn` once `ms` have passed. Node's timers count from the event loop's cached time, which
 * can be a millisecond or two behind, so a bare setTimeout may fire early; a timeout recorded
 * shorter than `load.timeout` would be wrong. An early wake-up waits out the rest.
 */
export function deadline(ms: number, fn: () => void): Deadline {
  const end = performance.now() + ms;
  let timer: NodeJS.Timeout;
  const check = (): void => {
    const left = end - performance.now();
    if (left > 0) timer = setTimeout(check, left);
    else fn();
  };
  timer = setTimeout(check, ms);
  return { clear: () => clearTimeout(timer) };
}

/**
 * Opens one client connection, or returns undefined when there is nowhere to connect: a Service
 * with no endpoints, whose connections kube-proxy refuses (its REJECT rule), so the request fails
 * as ECONNREFUSED without a socket.
 */
export type Connector = () => net.Socket | undefined;

/** Connects to one host and port (what the URL names: the Service). */
export function connectTo(host: string, port: number): Connector {
  return () => net.connect({ host, port });
}

/** The failure of a connection that had nowhere to go (see {@link Connector}). */
const REFUSED: LaneResult = { ok: false, timedOut: false, code: 'ECONNREFUSED', message: 'connection refused: the Service has no endpoints' };

/** What one request got: a response, or an error (a connection error, a timeout, a broken response). */
export type LaneResult =
  | { ok: true; response: ParsedResponse }
  | { ok: false; timedOut: boolean; code?: string; message: string };

/**
 * One client connection slot: at most one request at a time on one TCP connection, kept alive
 * between requests. When the connection is gone (closed by the server, reset, timed out) the next
 * request opens a new one, as an HTTP client does — and a kube-proxy-like Service then pins the
 * new connection to an endpoint chosen afresh.
 */
export class Http1Lane {
  private socket: net.Socket | undefined;
  private connected = false;
  private current: { done: (r: LaneResult) => void; timer: Deadline } | undefined;
  private readonly parser: Http1ResponseParser;

  constructor(private readonly connect: Connector, keepBody: boolean,
    /** Called when a connection opened by dial() is up (or failed), with no request on it. */
    private readonly onReady: (lane: Http1Lane) => void = () => {}) {
    this.parser = new Http1ResponseParser(keepBody, (r) => this.complete(r));
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Opens a connection ahead of any request; onReady follows. */
  dial(): void {
    if (!this.socket) {
      if (!this.open()) queueMicrotask(() => this.onReady(this));
    } else if (this.connected) queueMicrotask(() => this.onReady(this));
  }

  /** Writes one request; `done` is called exactly once unless destroy() comes first. */
  send(bytes: Buffer, timeoutMs: number, done: (r: LaneResult) => void): void {
    if (this.current) throw new Error('lane busy');
    const timer = deadline(timeoutMs, () => this.fail({ ok: false, timedOut: true, message: 'timed out' }));
    this.current = { done, timer };
    if (this.socket || this.open()) this.socket!.write(bytes);
    else queueMicrotask(() => this.fail(REFUSED));
  }

  /** Closes the connection; a request in flight gets no callback. */
  destroy(): void {
    if (this.current) this.current.timer.clear();
    this.current = undefined;
    this.drop();
  }

  /** Opens a connection; false when the connector had nowhere to connect. */
  private open(): boolean {
    const s = this.connect();
    if (!s) return false;
    this.socket = s;
    this.connected = false;
    this.parser.reset();
    s.setNoDelay(true);
    s.on('connect', () => {
      this.connected = true;
      if (!this.current) this.onReady(this);
    });
    s.on('data', (chunk: Buffer) => {
      try {
        this.parser.push(chunk);
      } catch (err) {
        this.fail({ ok: false, timedOut: false, code: 'EPROTO', message: (err as Error).message });
      }
    });
    s.on('end', () => {
      const whole = this.parser.end();
      if (s !== this.socket) return;
      this.drop();
      if (!whole || this.current) this.fail({ ok: false, timedOut: false, code: CLOSED_BEFORE_RESPONSE, message: 'connection closed before the response' });
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (s !== this.socket) return;
      const wasConnected = this.connected;
      this.drop();
      if (this.current) this.fail({ ok: false, timedOut: false, code: err.code, message: err.message });
      else if (!wasConnected) this.onReady(this);
    });
    s.on('close', () => {
      if (s === this.socket) this.drop();
    });
    return true;
  }

  private complete(r: ParsedResponse): void {
    if (r.close) this.drop();
    const c = this.current;
    if (!c) return;
    c.timer.clear();
    this.current = undefined;
    c.done({ ok: true, response: r });
  }

  private fail(r: LaneResult): void {
    const c = this.current;
    this.drop();
    if (!c) return;
    c.timer.clear();
    this.current = undefined;
    c.done(r);
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    this.connected = false;
    s?.destroy();
  }
}
