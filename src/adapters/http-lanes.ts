import * as http from 'node:http';

/** What one request got: a response (status, lower-case headers, body when asked for) or an error. */
export type LaneResult =
  | { ok: true; status: number; headers: http.IncomingHttpHeaders; body: string }
  | { ok: false; timedOut: boolean; code?: string; message: string };

/** Options of a {@link LanePool}. */
export interface LanePoolOptions {
  host: string;
  port: number;
  /** Kept-alive connections kept open between requests (the pool size). */
  connections: number;
  /** Most requests in flight at once; also the most connections open at once. */
  maxInFlight: number;
  /** false: a new connection per request (`Connection: close`). */
  keepAlive: boolean;
  /** Read and keep response bodies (only when the scenario checks them). */
  readBody: boolean;
}

/** One request as sent. */
export interface LaneRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * HTTP/1.1 client connections for open-model load, as a real client's pool: `connections`
 * kept-alive connections used in turn (first idle first), a new connection when every one is busy
 * (up to `maxInFlight`), and idle connections beyond the pool size closed. Each lane is one
 * connection at a time (an Agent limited to one socket), so a request never waits behind another
 * on the same connection, and a lane whose socket died opens a new one on its next request — which
 * a kube-proxy-like Service then pins to an endpoint chosen afresh.
 */
export class LanePool {
  private readonly idle: http.Agent[] = [];
  /** Requests in flight, each with the function that abandons it. */
  private readonly live = new Map<http.ClientRequest, () => void>();
  private readonly shared?: http.Agent;

  constructor(private readonly opts: LanePoolOptions) {
    if (!opts.keepAlive) this.shared = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    else for (let i = 0; i < opts.connections; i++) this.idle.push(this.newLane());
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.live.size;
  }

  /** False when `maxInFlight` requests are already in flight. */
  hasCapacity(): boolean {
    return this.live.size < this.opts.maxInFlight;
  }

  /**
   * Sends one request; `done` is called exactly once unless the pool is closed first. The
   * timeout runs from now; the caller measures latency from the schedule.
   */
  send(r: LaneRequest, timeoutMs: number, done: (result: LaneResult) => void): void {
    const agent = this.shared ?? this.idle.shift() ?? this.newLane();
    let finished = false;
    let timedOut = false;
    const req = http.request({ agent, host: this.opts.host, port: this.opts.port, method: r.method, path: r.path,
      headers: r.headers });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, timeoutMs);
    const settle = (): boolean => {
      if (finished) return false;
      finished = true;
      clearTimeout(timer);
      this.live.delete(req);
      return true;
    };
    const finish = (result: LaneResult): void => {
      if (!settle()) return;
      if (agent !== this.shared) this.release(agent);
      done(result);
    };
    this.live.set(req, () => {
      if (settle()) req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, timedOut, code: err.code, message: err.message }));
    req.on('response', (res) => {
      const chunks: string[] = [];
      if (this.opts.readBody) {
        res.setEncoding('utf8');
        res.on('data', (c: string) => chunks.push(c));
      } else res.resume();
      res.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, timedOut, code: err.code ?? 'ECONNRESET', message: err.message }));
      res.on('end', () => finish({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: chunks.join('') }));
    });
    if (r.body !== undefined) req.end(r.body);
    else req.end();
  }

  /** Destroys every request in flight without calling their `done`, and every connection. Returns how many were in flight. */
  close(): number {
    const n = this.live.size;
    for (const abandon of [...this.live.values()]) abandon();
    for (const a of this.idle.splice(0)) a.destroy();
    this.shared?.destroy();
    return n;
  }

  private newLane(): http.Agent {
    // One socket per lane, kept alive while idle; the pool decides how many lanes stay.
    return new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
  }

  private release(agent: http.Agent): void {
    if (this.idle.length >= this.opts.connections) {
      // A connection opened for a burst closes once the pool is full again, as a client pool trims idle connections.
      // Destroying at once would cut the socket before the agent has taken it back; let it return first.
      setImmediate(() => agent.destroy());
      return;
    }
    this.idle.push(agent);
  }
}
