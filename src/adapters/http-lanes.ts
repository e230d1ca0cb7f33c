import { UsageError } from '../errors/errors.js';
import { connectTo, deadline, Http1Lane, type Connector, type Deadline, type LaneResult } from './http1-lane.js';

export type { LaneResult };

/** Options of a {@link LanePool}. */
export interface LanePoolOptions {
  /** The URL's host and port: the request's Host header, and where connections go unless `connect` says otherwise. */
  host: string;
  port: number;
  /** How a new connection is opened (default: to host:port). */
  connect?: Connector;
  /** Kept-alive connections kept open between requests (the pool size). */
  connections: number;
  /** Most requests in flight at once (waiting for a connection or on one); also the most connections. */
  maxInFlight: number;
  /** false: a new connection per request (`Connection: close`). */
  keepAlive: boolean;
  /** Read and keep response bodies (only when the scenario checks them). */
  readBody: boolean;
  /** The request every scheduled slot sends. */
  request: LaneRequest;
}

/** One request as sent. */
export interface LaneRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** How long a connection opened beyond the pool size may sit idle before it is closed. */
const EXTRA_IDLE_MS = 1000;

interface Waiting {
  startedAt: number;
  timeoutMs: number;
  done: (r: LaneResult) => void;
  timer: Deadline;
}

/**
 * The open-model client's connections, as a real client pool keeps them: `connections` kept-alive
 * connections used in turn (so load spreads over all of them), one request at a time each. When
 * every connection is busy, the request waits for the first one to come free while a new
 * connection is dialled for it (as Go's http.Transport does), up to `maxInFlight` connections;
 * whichever is ready first serves it, and connections beyond the pool size close after
 * EXTRA_IDLE_MS idle. A burst therefore never turns into one new connection per request.
 */
export class LanePool {
  private readonly bytes: Buffer;
  private readonly idle: Http1Lane[] = [];
  private readonly extraIdle: Array<{ lane: Http1Lane; since: number }> = [];
  private readonly extras = new Set<Http1Lane>();
  private readonly waiting: Waiting[] = [];
  private readonly active = new Set<Http1Lane>();
  private dialing = 0;
  private closed = false;
  private readonly sweep: NodeJS.Timeout;
  private readonly connect: Connector;

  constructor(private readonly opts: LanePoolOptions) {
    this.bytes = requestBytes(opts);
    this.connect = opts.connect ?? connectTo(opts.host, opts.port);
    if (opts.keepAlive) for (let i = 0; i < opts.connections; i++) this.idle.push(this.newLane());
    this.sweep = setInterval(() => this.closeIdleExtras(), EXTRA_IDLE_MS / 2);
    this.sweep.unref();
  }

  /** Requests in flight now: on a connection or waiting for one. */
  get inFlight(): number {
    return this.active.size + this.waiting.length;
  }

  /** False when `maxInFlight` requests are already in flight. */
  hasCapacity(): boolean {
    return this.inFlight < this.opts.maxInFlight;
  }

  /** Sends one request; `done` is called exactly once unless the pool is closed first. The timeout runs from now. */
  send(timeoutMs: number, done: (r: LaneResult) => void): void {
    if (!this.opts.keepAlive) return this.dispatch(this.newLane(), timeoutMs, done);
    const lane = this.idle.shift() ?? this.extraIdle.pop()?.lane;
    if (lane) return this.dispatch(lane, timeoutMs, done);
    const w: Waiting = { startedAt: performance.now(), timeoutMs, done, timer: deadline(timeoutMs, () => {
      this.waiting.splice(this.waiting.indexOf(w), 1);
      done({ ok: false, timedOut: true, code: 'no_free_connection', message: 'no connection came free in time' });
    }) };
    this.waiting.push(w);
    if (this.dialing < this.waiting.length && this.lanes() < this.opts.maxInFlight) {
      this.dialing++;
      const extra = this.newLane(true);
      this.extras.add(extra);
      extra.dial();
    }
  }

  /** Closes every connection; requests in flight or waiting get no callback. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweep);
    for (const w of this.waiting.splice(0)) w.timer.clear();
    for (const lane of [...this.active, ...this.idle, ...this.extras]) lane.destroy();
    this.active.clear();
    this.idle.length = 0;
    this.extraIdle.length = 0;
    this.extras.clear();
  }

  private lanes(): number {
    return this.opts.connections + this.extras.size;
  }

  private newLane(dialled = false): Http1Lane {
    return new Http1Lane(this.connect, this.opts.readBody, (lane) => {
      if (dialled) this.dialing--;
      dialled = false;
      this.release(lane);
    });
  }

  private dispatch(lane: Http1Lane, timeoutMs: number, done: (r: LaneResult) => void): void {
    this.active.add(lane);
    lane.send(this.bytes, timeoutMs, (r) => {
      this.active.delete(lane);
      if (!this.opts.keepAlive) lane.destroy();
      else this.release(lane);
      done(r);
    });
  }

  /** A connection came free: the longest-waiting request takes it, else it goes back to the pool. */
  private release(lane: Http1Lane): void {
    if (this.closed || lane.busy) return;
    const w = this.waiting.shift();
    if (w) {
      w.timer.clear();
      const left = Math.max(1, w.timeoutMs - (performance.now() - w.startedAt));
      return this.dispatch(lane, left, w.done);
    }
    if (this.extras.has(lane)) this.extraIdle.push({ lane, since: performance.now() });
    else this.idle.push(lane);
  }

  /** Closes extra connections idle for EXTRA_IDLE_MS, as a client pool trims what a burst opened. */
  private closeIdleExtras(): void {
    const cutoff = performance.now() - EXTRA_IDLE_MS;
    while (this.extraIdle.length > 0 && this.extraIdle[0].since < cutoff) {
      const { lane } = this.extraIdle.shift()!;
      this.extras.delete(lane);
      lane.destroy();
    }
  }
}

/** The request on the wire, built once: every request of a run is the same. */
function requestBytes(o: LanePoolOptions): Buffer {
  const r = o.request;
  const lines = [`${r.method} ${r.path} HTTP/1.1`, `host: ${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`];
  const names = new Set(Object.keys(r.headers).map((k) => k.toLowerCase()));
  if (!names.has('user-agent')) lines.push('user-agent: vaultctl');
  for (const [k, v] of Object.entries(r.headers)) {
    // A CR or LF in a header would split the request: refuse it rather than send something else.
    if (/[\r\n]/.test(k + v)) throw new UsageError(`load.request.headers.${k} contains a line break`);
    lines.push(`${k}: ${v}`);
  }
  if (!o.keepAlive) lines.push('connection: close');
  const body = r.body === undefined ? undefined : Buffer.from(r.body, 'utf8');
  if (body) lines.push(`content-length: ${body.length}`);
  else if (/^(POST|PUT|PATCH)$/.test(r.method)) lines.push('content-length: 0');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}
