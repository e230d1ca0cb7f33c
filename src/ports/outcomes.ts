/**
 * Request outcome kinds (ARCHITECTURE.md "The data that flows", 3). The order is the index used
 * by the recorder's typed arrays and by result files, so only append.
 */
export const OUTCOME_KINDS = [
  'ok',
  'http_4xx',
  'http_5xx',
  'body_error',
  'conn_refused',
  'conn_reset',
  'timeout',
  'other',
  // A scheduled request the open-model generator could not start (k6's dropped_iterations): the
  // in-flight cap was reached, or the generator fell further behind its schedule than the timeout.
  'not_sent',
] as const;

export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** Index of each kind in OUTCOME_KINDS. */
export const KIND_INDEX: Readonly<Record<OutcomeKind, number>> = Object.fromEntries(
  OUTCOME_KINDS.map((k, i) => [k, i]),
) as Record<OutcomeKind, number>;

/**
 * One finished request. `cause` says why it failed when known: a Postgres SQLSTATE from the
 * demo app (`28P01`, `57P01`), `no_endpoints` from the proxy, an errno (`ECONNRESET`).
 */
export interface RequestOutcome {
  /** Monotonic ms (run clock) when the request was sent. */
  start: number;
  latencyMs: number;
  kind: OutcomeKind;
  cause?: string;
}

/**
 * Outcomes binned as the run's recorder bins them (its count bins, latency bins and histogram
 * buckets), as sparse cells: what a load worker sends instead of one line per request (issue 13;
 * src/recorder/outcome-chunk.ts makes and merges them). Compact JSON: arrays, not objects.
 */
export interface OutcomeChunk {
  /** `[bin, kind index, n]`. */
  counts: [number, number, number][];
  /** `[bin, kind index, cause, n]`. */
  causes: [number, number, string, number][];
  /** `[latency bin, bucket, n]`. */
  latencies: [number, number, number][];
  /** Outcomes outside the recorder's horizon. */
  dropped: number;
}

/** Receives request outcomes; the recorder is the main one. Must be cheap: called per request. */
export interface OutcomeSink {
  record(outcome: RequestOutcome): void;
  /** A load worker's binned outcomes (the recorder merges them); absent: the sink takes single outcomes only. */
  merge?(chunk: OutcomeChunk): void;
  /** The bins `merge` expects chunks in (ms), which a load worker must bin by. */
  readonly binLayout?: { binMs: number; latencyBinMs: number };
}
