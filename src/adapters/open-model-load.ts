import { UsageError } from '../errors/errors.js';
import { ArrivalSchedule } from '../load/arrival-schedule.js';
import { classifyError, classifyResponse, type Classification } from '../load/classify.js';
import { SendLag } from '../load/send-lag.js';
import { checkLoadTarget } from '../load/target-check.js';
import type { LoadGenerator, LoadPlan, LoadRunOptions, LoadSummary } from '../ports/load.js';
import type { OutcomeSink } from '../ports/outcomes.js';
import { LanePool, type LaneResult } from './http-lanes.js';
import { CLOSED_BEFORE_RESPONSE } from './http1-lane.js';
import { connectToEndpoints } from './endpoint-connect.js';

/**
 * Open-model load (k6's constant-arrival-rate, wrk2): request i starts at t0 + i/rate whatever
 * the answers to earlier ones, so a hanging workload gets as many requests as a healthy one and
 * every one of them is counted. Latency runs from the scheduled start, so queueing in vaultctl or
 * the workload counts. A request that cannot start is a `not_sent` outcome, never skipped: the
 * in-flight cap is reached (`max_in_flight`), or the generator is further behind its schedule
 * than the timeout (`generator_behind`: the request would already have timed out).
 *
 * When the schedule ends, requests in flight are awaited (each ends by its timeout), so every
 * scheduled request has exactly one outcome. An abort drops the ones in flight (counted in the
 * summary as neither completed nor errors).
 */
export const openModelLoad: LoadGenerator = {
  run(plan, sink, opts) {
    if (plan.rate === 'max') throw new UsageError('the open-model generator needs a fixed rate; rate: max is closed-loop');
    const url = checkLoadTarget(plan.url);
    if (url.protocol !== 'http:') throw new UsageError('open-model load speaks http only', 'point the load at the http Service');
    return runOpen(plan, plan.rate, url, sink, opts);
  },
};

function runOpen(plan: LoadPlan, rate: number, url: URL, sink: OutcomeSink,
  { now, signal, startMs, part, endpoints }: LoadRunOptions): Promise<LoadSummary> {
  const schedule = new ArrivalSchedule(startMs ?? now(), rate, plan.durationMs, part);
  const pool = new LanePool({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80),
    ...(endpoints ? { connect: connectToEndpoints(endpoints) } : {}),
    connections: plan.connections, maxInFlight: plan.maxInFlight, keepAlive: plan.keepAlive,
    readBody: plan.success.bodyIncludes !== undefined || plan.success.bodyExcludes !== undefined,
    request: { method: plan.request.method, path: url.pathname.replace(/\/$/, '') + plan.request.path,
      headers: plan.request.headers, body: plan.request.body } });
  const lag = new SendLag();
  const c = { sent: 0, completed: 0, errors: 0, timeouts: 0, capped: 0, behind: 0 };

  const notSent = (scheduledMs: number, cause: 'max_in_flight' | 'generator_behind'): void => {
    if (cause === 'max_in_flight') c.capped++;
    else c.behind++;
    sink.record({ start: scheduledMs, latencyMs: 0, kind: 'not_sent', cause });
  };
  const fire = (_i: number, scheduledMs: number): void => {
    const lateMs = now() - scheduledMs;
    if (lateMs > plan.timeoutMs) return notSent(scheduledMs, 'generator_behind');
    if (!pool.hasCapacity()) return notSent(scheduledMs, 'max_in_flight');
    c.sent++;
    lag.add(lateMs);
    pool.send(plan.timeoutMs, (r) => {
      const k = classify(r, plan);
      if (r.ok) c.completed++;
      else {
        c.errors++;
        if (k.kind === 'timeout') c.timeouts++;
      }
      sink.record({ start: scheduledMs, latencyMs: now() - scheduledMs, kind: k.kind, cause: k.cause });
      if (schedule.done && pool.inFlight === 0) end();
    });
  };

  let end: () => void = () => {};
  return new Promise<LoadSummary>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    // An abort cuts the schedule short: only what was handed out was asked for.
    let scheduled = schedule.total;
    end = (): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      pool.close();
      resolve(summarize(scheduled, c, lag));
    };
    const abort = (): void => {
      scheduled = schedule.issued;
      schedule.cancel();
      end();
    };
    const tick = (): void => {
      schedule.takeDue(now(), fire);
      const wait = schedule.waitMs(now());
      if (wait !== undefined) timer = setTimeout(tick, wait);
      else if (pool.inFlight === 0) end();
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    tick();
  });
}

function classify(r: LaneResult, plan: LoadPlan): Classification {
  if (r.ok) return classifyResponse(r.response.status, r.response.headers, r.response.body, plan.success);
  // A request that waited for a free connection until its timeout is a timeout with that cause.
  if (r.timedOut) return r.code ? { kind: 'timeout', cause: r.code } : { kind: 'timeout' };
  // A connection closed under a request is a reset to the client, with the FIN kept apart from an RST.
  if (r.code === CLOSED_BEFORE_RESPONSE) return { kind: 'conn_reset', cause: r.code };
  return classifyError({ code: r.code, message: r.message });
}

function summarize(scheduled: number, c: { sent: number; completed: number; errors: number; timeouts: number;
  capped: number; behind: number }, lag: SendLag): LoadSummary {
  const notSent = c.capped + c.behind;
  const limitedBy = notSent === 0 ? undefined : c.behind >= c.capped ? 'generator' as const : 'max_in_flight' as const;
  return { model: 'open', scheduled, sent: c.sent, completed: c.completed, errors: c.errors, timeouts: c.timeouts,
    notSent, lagMs: lag.summary(), ...(limitedBy ? { limitedBy } : {}) };
}
