import autocannon from 'autocannon';
import { ExternalError, UsageError } from '../errors/errors.js';
import { classifyError, classifyResponse, type Classification } from '../load/classify.js';
import type { LoadGenerator, LoadPlan, LoadSummary } from '../ports/load.js';

// Until the remote-target flag exists, load only ever goes to this machine.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The part of autocannon's (untyped) Client this adapter uses: lib/httpClient.js in 9.0.0. */
interface ClientInternals {
  destroy(): void;
  on(event: 'connError', listener: () => void): unknown;
  pipelinedRequests?: { clear(): void };
}

/** Rejects what autocannon cannot do or vaultctl does not allow, before any request is sent. */
function checkPlan(plan: LoadPlan): void {
  let url: URL;
  try {
    url = new URL(plan.url);
  } catch {
    throw new UsageError(`load target is not a URL: ${plan.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`load target must be http or https, got ${url.protocol}`);
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    throw new UsageError(`load target ${url.host} is not on this machine`,
      'vaultctl sends load to 127.0.0.1, localhost or ::1 only');
  }
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
 * With a fixed rate autocannon gives each connection a budget per second that it spends at once,
 * so requests leave in bursts at the start of each second, not evenly spread.
 */
export const autocannonLoad: LoadGenerator = {
  async run(plan, sink, { now, signal }) {
    checkPlan(plan);
    if (signal?.aborted) return { sent: 0, completed: 0, errors: 0, timeouts: 0 };

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
        ...(typeof plan.rate === 'number' ? { overallRate: Math.max(1, Math.round(plan.rate)) } : {}),
        requests: [{
          method: plan.request.method as autocannon.Request['method'],
          path: plan.request.path,
          headers: plan.request.headers,
          ...(plan.request.body !== undefined ? { body: plan.request.body } : {}),
          onResponse,
        }],
        setupClient: (client) => {
          const c = client as unknown as ClientInternals;
          clients.push(c);
          // autocannon 9 keeps the failed request queued when a connection fails, so the next
          // response would be paired with a stale start time; drop it before the retry is queued.
          // DISABLED c.on('connError', () => c.pipelinedRequests?.clear());
        },
      };
      try {
        instance = autocannon(opts, (err, result) => {
          finish();
          if (err) {
            reject(new ExternalError(`autocannon could not run: ${String((err as Error)?.message ?? err)}`, { cause: err }));
            return;
          }
          resolve({
            sent: result.requests.sent,
            completed: result.requests.total,
            errors: result.errors,
            timeouts: result.timeouts,
          });
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
        // A timeout fires timeoutMs after the request was written; a connection error has no latency.
        const latencyMs = c.kind === 'timeout' ? plan.timeoutMs : 0;
        sink.record({ start: now() - latencyMs, latencyMs, kind: c.kind, cause: c.cause });
      });
    });
  },
};
