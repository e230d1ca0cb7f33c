import autocannon from 'autocannon';
import { ExternalError, UsageError } from '../errors/errors.js';
import { classifyError, classifyResponse, type Classification } from '../load/classify.js';
import type { LoadGenerator, LoadPlan, LoadSummary } from '../ports/load.js';
import type { OutcomeSink } from '../ports/outcomes.js';
import { checkLoadTarget } from '../load/target-check.js';

/** The part of autocannon's (untyped) Client this adapter uses: lib/httpClient.js in 9.0.0. */
interface ClientInternals {
  destroy(): void;
  on(event: 'request' | 'response' | 'connError' | 'timeout', listener: () => void): unknown;
  pipelinedRequests?: { clear(): void };
}

/** Per-run bookkeeping shared by the client listeners and the instance listeners. */
interface Counts {
  /** Requests written. */
  sent: number;
  /** Set by a client's connError/timeout listener for the `reqError` autocannon emits right after. */
  notARequest: boolean;
  /** Errors and timeouts of connections with no request in flight: not request outcomes. */
  idleErrors: number;
  idleTimeouts: number;
}

/**
 * Listens on one autocannon client. Called from `setupClient`, i.e. before autocannon adds its
 * own listeners, so these run before the `reqError` that autocannon emits for the same failure.
 */
function watchClient(c: ClientInternals, clients: ClientInternals[], counts: Counts): void {
  clients.push(c);
  let inFlight = false;
  // On a timeout autocannon reconnects and may write the next request before it emits `timeout`
  // (httpClient.js handleTimeout); `before` keeps what was in flight until then.
  let before = false;
  let fresh = false;
  c.on('request', () => {
    before = inFlight;
    inFlight = true;
    fresh = true;
    queueMicrotask(() => { fresh = false; });
    counts.sent++;
  });
  c.on('response', () => { inFlight = false; });
  c.on('connError', () => {
    // A client that spent its per-second budget reconnects in a tight loop with nothing sent;
    // those failures are not requests and would swamp the counts.
    counts.notARequest = !inFlight;
    inFlight = false;
    // autocannon 9 keeps the failed request queued, so the next response would be paired with
    // its stale start time; drop it before the retry is queued.
    c.pipelinedRequests?.clear();
  });
  c.on('timeout', () => {
    counts.notARequest = !(fresh ? before : inFlight);
    if (!fresh) inFlight = false;
  });
}

/** Rejects what autocannon cannot do or vaultctl does not allow, before any request is sent. */
function checkPlan(plan: LoadPlan): void {
  checkLoadTarget(plan.url);
  // autocannon validates `timeout` in whole-second units and refuses values below 1 (lib/validate.js).
  if (plan.timeoutMs < 1000) {
    throw new UsageError(`load.timeout ${plan.timeoutMs}ms is below autocannon's minimum of 1s`);
  }
}

/** Response header names as lower-case keys; repeated headers joined as HTTP allows. */
function lowerHeaders(raw: Record<string, string | string[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Load through autocannon 9. Every response and every request error becomes one outcome.
 *
 * Pairing: autocannon calls the request's `onResponse(status, body, ctx, headers)` synchronously
 * right before it emits `response` with the latency for the same response (lib/httpClient.js
 * `kOnMessageComplete`), so the classification made from headers and body is held for exactly one
 * event. Connection errors and autocannon's own timeouts arrive as `reqError` with no latency.
 *
 * Summary: `completed + errors` equals the number of outcomes recorded; `sent` counts requests
 * written, so `sent - completed - errors` were in flight when the run stopped (at most one per
 * connection). Failures of a connection with no request in flight are neither outcomes nor errors.
 *
 * Used for `rate: max` only: a closed loop (each connection sends its next request when the
 * previous one is answered), so a slow workload gets fewer requests — that is what `max` measures.
 * Fixed rates run open-model (open-model-load.ts), because autocannon's connections wait for answers.
 */
export const autocannonLoad: LoadGenerator = {
  async run(plan, sink, opts) {
    checkPlan(plan);
    return runInstance(plan, sink, opts);
  },
};

/** One autocannon instance over one slice of the plan. */
async function runInstance(plan: LoadPlan, sink: OutcomeSink, { now, signal }: { now(): number; signal?: AbortSignal }): Promise<LoadSummary> {
  if (signal?.aborted) return closedSummary(0, 0, 0, 0);

  const clients: ClientInternals[] = [];
  let stopped = false;
  let instance: autocannon.Instance | undefined;
  // Destroying the clients ends the run at once; `stop()` alone waits for the next sample tick
  // and lets a per-second rate burst go out in between.
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    instance?.stop();
    for (const c of clients) c.destroy();
  };
  // Armed before autocannon creates its per-second rate timers, so it fires ahead of a burst due at the same ms.
  const deadline = setTimeout(stop, plan.durationMs);
  signal?.addEventListener('abort', stop, { once: true });

  let pending: Classification | undefined;
  const counts: Counts = { sent: 0, notARequest: false, idleErrors: 0, idleTimeouts: 0 };
  const onResponse = (status: number, body: string, _ctx: object, headers?: Record<string, string | string[] | undefined>): void => {
    pending = classifyResponse(status, lowerHeaders(headers), body, plan.success);
  };

  return new Promise<LoadSummary>((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', stop);
    };
    const opts: autocannon.Options = {
      url: plan.url,
      connections: plan.connections,
      // A backstop only: the deadline timer above ends the run at durationMs.
      duration: Math.ceil(plan.durationMs / 1000) + 1,
      timeout: plan.timeoutMs / 1000,
      // The result is produced on a sample tick; a short interval makes the run end promptly.
      sampleInt: 100,
      excludeErrorStats: false,
      requests: [{
        method: plan.request.method as autocannon.Request['method'],
        path: plan.request.path,
        headers: plan.request.headers,
        ...(plan.request.body !== undefined ? { body: plan.request.body } : {}),
        onResponse,
      }],
      setupClient: (client) => watchClient(client as unknown as ClientInternals, clients, counts),
    };
    try {
      instance = autocannon(opts, (err, result) => {
        finish();
        if (err) {
          reject(new ExternalError(`autocannon could not run: ${String((err as Error)?.message ?? err)}`, { cause: err }));
          return;
        }
        // autocannon's own `requests.sent` adds a whole per-second budget per connection at start
        // (lib/run.js initialiseClients), so the writes counted here are the requests sent.
        resolve(closedSummary(counts.sent, result.requests.total, result.errors - counts.idleErrors,
          result.timeouts - counts.idleTimeouts));
      });
    } catch (err) {
      finish();
      reject(new ExternalError(`autocannon could not run: ${(err as Error).message}`, { cause: err }));
      return;
    }
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      const c = pending ?? classifyResponse(statusCode, {}, '', plan.success);
      pending = undefined;
      sink.record({ start: now() - responseTime, latencyMs: responseTime, kind: c.kind, cause: c.cause });
    });
    instance.on('reqError', (err: { code?: string; message?: string }) => {
      const c = classifyError(err);
      if (counts.notARequest) {
        counts.notARequest = false;
        counts.idleErrors++;
        if (c.kind === 'timeout') counts.idleTimeouts++;
        return;
      }
      // A timeout fires timeoutMs after the request was written; a connection error has no latency.
      const latencyMs = c.kind === 'timeout' ? plan.timeoutMs : 0;
      sink.record({ start: now() - latencyMs, latencyMs, kind: c.kind, cause: c.cause });
    });
  });
}


/** A closed loop has no schedule: what it asked for is what it sent. */
function closedSummary(sent: number, completed: number, errors: number, timeouts: number): LoadSummary {
  return { model: 'closed', scheduled: sent, sent, completed, errors, timeouts, notSent: 0 };
}
