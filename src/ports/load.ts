import type { OutcomeSink } from './outcomes.js';

/** What to send and how hard: the resolved `load` section plus the target URL. */
export interface LoadPlan {
  /** Base URL of the load target, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Requests per second across all connections, or 'max'. */
  rate: number | 'max';
  connections: number;
  durationMs: number;
  timeoutMs: number;
  request: { method: string; path: string; headers: Record<string, string>; body?: string };
  success: { statusMin: number; statusMax: number; bodyIncludes?: string; bodyExcludes?: string };
}

/** Totals the load generator counted itself, to cross-check the recorder. */
export interface LoadSummary {
  sent: number;
  completed: number;
  errors: number;
  timeouts: number;
}

/** A load generator (autocannon). Outcomes stream to the sink; the promise ends with the run. */
export interface LoadGenerator {
  run(plan: LoadPlan, sink: OutcomeSink, opts: { now(): number; signal?: AbortSignal }): Promise<LoadSummary>;
}
