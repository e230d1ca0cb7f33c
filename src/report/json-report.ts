import type { RunFile } from '../results/run-file.js';
import type { RolloutStats } from '../analysis/analyze.js';
import type { WindowStats } from '../analysis/stats.js';
import type { ThresholdResult } from '../analysis/verdict-types.js';
import type { RotationTrigger } from '../ports/events.js';
import type { LoadSummary } from '../ports/load.js';
import type { ReportRun } from './report-run.js';
import type { Incompleteness } from '../analysis/completeness.js';
import { runWarnings } from './run-notes.js';
import { isStrategyComparison } from './strategy-comparison.js';
import { jsonComparison, jsonStrategy, type JsonRunStrategy, type JsonStrategyComparison } from './json-strategy.js';

export type { JsonRunStrategy, JsonStrategyComparison, JsonStrategyRow } from './json-strategy.js';

/** Version of the JSON report; bumped only when a documented key changes meaning or goes away. */
export const JSON_REPORT_SCHEMA_VERSION = 1;

/**
 * The `--format json` document. Keys listed here are stable within a `schemaVersion`; new keys
 * may be added. Times are milliseconds (run-clock ms for instants: ms since the run's time zero,
 * `startedAt` on the wall clock), rates are ratios in 0..1 (0.001 = 0.1%), counts are integers.
 */
export interface JsonReport {
  /** Format version of this document (1). */
  schemaVersion: typeof JSON_REPORT_SCHEMA_VERSION;
  /** The program that produced the report (not necessarily the one that ran the test). */
  tool: { name: 'vaultctl'; version: string };
  /** True when every run's verdict passed (the exit code is then 0, else 99). */
  pass: boolean;
  /** One entry per results directory, in the order given. */
  runs: JsonReportRun[];
  /** Present when the runs compare delivery strategies (each run a different one): the ranking. */
  comparison?: JsonStrategyComparison;
}

/** One run (one results directory). */
export interface JsonReportRun {
  /** Short unique label: the scenario name, with `#2`, `#3`... when several runs share it. */
  label: string;
  /** The results directory as given on the command line. */
  dir: string;
  /** Scenario name, the file it came from, and the target it ran on. */
  scenario: { name: string; source: string; target: 'local' | 'kubernetes' };
  /** Version of vaultctl that ran the test. */
  recordedBy: string;
  /** Wall-clock time of the run's time zero, ISO 8601. */
  startedAt: string;
  /** `completed`, `interrupted` (partial results), `failed` (an error or abortOnFail ended it), or `running` (the run was killed; its last checkpoint). */
  status: RunFile['status'];
  /** The error that ended a failed run (redacted); absent otherwise. */
  error?: string;
  /** The measured range (warm-up excluded): start, end (run-clock ms) and its length. */
  measured: { fromMs: number; toMs: number; durationMs: number };
  /** Analysis settings: settle tail after each rollout, lead before it (ms). */
  settings: { settleMs: number; leadMs: number };
  /** Every rollout in start order. */
  rollouts: JsonRollout[];
  /** Requests outside every rollout window. */
  baseline: JsonWindow;
  /** The whole measured range. */
  overall: JsonWindow;
  /** `rotation_triggered` events by trigger (`refresh`, `at`, `revoke`...). */
  rotations: Partial<Record<RotationTrigger, number>>;
  /**
   * Leases issued, expired, revoked, and outstanding at the end of the log; kubernetes target:
   * `outstanding` counts the run's leases and `preExisting` the lab's from before the run.
   */
  leases: { issued: number; expired: number; revoked: number; outstanding: number; preExisting?: number };
  /**
   * The delivery strategy and its costs: `name`, `restarts` {rollouts, inPlaceRestarts, reloads}
   * and `leases` (issued, renewed, revoked by the run, expired, outstandingAtEnd, vaultCalls, the
   * `live` step series [{tMs, live}] on the run clock and its `peak`). Present in strategy
   * comparisons and for runs whose scenario sets `delivery.strategy`.
   */
  strategy?: JsonRunStrategy;
  /**
   * The load generator's own totals over the whole load (warm-up included): `model` (`open` |
   * `closed`), `scheduled`, `sent`, `completed` (answered), `errors`, `timeouts`, `notSent`,
   * `lagMs? {p99, max}`, `limitedBy?` (`max_in_flight` | `generator`); older runs have only
   * sent, completed, errors and timeouts. Absent when unknown.
   */
  load?: LoadSummary;
  /**
   * What a reader must know before trusting the figures, one sentence each: the run did not
   * complete (what is missing), less than 95% of the schedule was sent (and why), rollouts were
   * expected and none came, a rotation or the database failed. Empty when all is well.
   */
  warnings: string[];
  /**
   * The verdict: `pass`, one result per threshold (per rollout for `rollout.*`) and per check
   * (failed rotation, database failure, incomplete run), and `incomplete {kind, reasons}` when
   * the run's data is not whole (`kind` `interrupted` or `incomplete`; `pass` is then false).
   */
  verdict: { pass: boolean; results: JsonThresholdResult[]; incomplete?: Incompleteness };
}

/** Request statistics of a time window. */
export interface JsonWindow {
  /** Length of the window in ms. */
  spanMs: number;
  /** Requests scheduled in the window: every one has one outcome, `not_sent` included. */
  requests: number;
  /** Requests the schedule asked for (= requests). */
  scheduled: number;
  /** Requests sent: scheduled − notSent. */
  sent: number;
  /** Requests answered with an HTTP response (ok, http_4xx, http_5xx, body_error). */
  answered: number;
  /** Scheduled requests the generator could not start (outcome `not_sent`, a failure). */
  notSent: number;
  /** Requests whose outcome was not `ok` (not_sent included). */
  failures: number;
  /** failures / requests (ratio); 0 without requests. */
  failureRate: number;
  /** Requests per outcome kind: ok, http_4xx, http_5xx, body_error, conn_refused, conn_reset, timeout, other, not_sent. */
  byKind: Record<string, number>;
  /** Failures by `kind:cause` (e.g. `http_5xx:28P01`) or `kind`; largest first; sums to `failures`. */
  byCause: Record<string, number>;
  /** Latency percentiles (ms) of all requests, ±5 % (histogram buckets); null without requests. */
  latencyMs: { p50: number | null; p99: number | null };
  /** Longest span with requests failing and none succeeding, ms (bin resolution). */
  downtimeMs: number;
}

/** One rollout (or several whose windows overlapped, merged) and the requests started in its window. */
export interface JsonRollout extends JsonWindow {
  /** Position in start order, from 1. */
  index: number;
  /** Revision the (last) rollout moved to. */
  revision: number;
  /** Revisions of every rollout merged into this row, in start order. */
  revisions: number[];
  /** What caused it: `refresh`, `at`, `revoke`...; merged rollouts joined with `+`: `refresh+at`. */
  trigger: string;
  /** Trigger of every rollout merged into this row, in start order. */
  triggers: RotationTrigger[];
  /** (First) `rollout_started`, run-clock ms. */
  startMs: number;
  /** Start relative to the measured range's start, ms (negative during warm-up). */
  offsetMs: number;
  /** Last completion − first start, ms; null when any merged rollout never completed. */
  durationMs: number | null;
  /** Kubernetes target: Secret changed (ESO) → rollout started (Wave), ms; absent elsewhere. */
  secretToRolloutMs?: number;
  /** Whether `rollout_completed` was seen. */
  completed: boolean;
  /** The analysed range [fromMs, toMs), run-clock ms: lead before the start to settle after completion. */
  window: { fromMs: number; toMs: number };
}

/**
 * One threshold judged on one subject: `expression` as written, `metric`, `op`, `limit` and
 * `observed` in base units (ratio, ms or count; `observed` null when nothing was measured),
 * `subject` (`rollout 2`, `baseline`, `run`, `leases`), `rollout` index for per-rollout results,
 * `pass`, and a `note` saying why it failed or why nothing was measured.
 */
export type JsonThresholdResult = ThresholdResult;

/** The JSON report of runs, serialised with two-space indentation and a final newline. */
export function renderJsonReport(runs: readonly ReportRun[], toolVersion: string): string {
  return JSON.stringify(jsonReport(runs, toolVersion), null, 2) + '\n';
}

/** The JSON report as an object (keys in documented order). */
export function jsonReport(runs: readonly ReportRun[], toolVersion: string): JsonReport {
  const strategies = isStrategyComparison(runs);
  return {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    tool: { name: 'vaultctl', version: toolVersion },
    pass: runs.every((r) => r.verdict.pass),
    runs: runs.map((r) => jsonRun(r, strategies)),
    ...(strategies ? { comparison: jsonComparison(runs) } : {}),
  };
}

function jsonRun(r: ReportRun, strategies: boolean): JsonReportRun {
  const a = r.analysis;
  const s = r.run.scenario;
  return {
    label: r.label,
    dir: r.dir,
    scenario: { name: s.name, source: s.source, target: s.target },
    recordedBy: r.run.tool.version,
    startedAt: r.run.startedAt,
    status: r.run.status,
    ...(r.run.error ? { error: r.run.error } : {}),
    measured: { fromMs: a.measureFromMs, toMs: a.measureToMs, durationMs: micro(a.measureToMs - a.measureFromMs) },
    settings: { settleMs: a.settleMs, leadMs: a.leadMs },
    rollouts: a.rollouts.map((ro) => jsonRollout(ro, a.measureFromMs)),
    baseline: jsonWindow(a.baseline),
    overall: jsonWindow(a.overall),
    rotations: { ...a.rotations },
    leases: { ...a.leases },
    ...(strategies || s.delivery?.strategy !== undefined ? { strategy: jsonStrategy(r) } : {}),
    ...(r.run.load ? { load: { ...r.run.load } } : {}),
    warnings: runWarnings(r),
    verdict: { pass: r.verdict.pass, results: r.verdict.results.map(jsonResult),
      ...(r.verdict.incomplete ? { incomplete: { kind: r.verdict.incomplete.kind, reasons: [...r.verdict.incomplete.reasons] } } : {}) },
  };
}

/** Fixed key order, so the document diffs cleanly between runs. */
function jsonResult(x: ThresholdResult): JsonThresholdResult {
  return {
    expression: x.expression, metric: x.metric, subject: x.subject, ...(x.rollout !== undefined ? { rollout: x.rollout } : {}),
    op: x.op, limit: x.limit, observed: x.observed, pass: x.pass, ...(x.note !== undefined ? { note: x.note } : {}),
  };
}

function jsonRollout(ro: RolloutStats, measureFromMs: number): JsonRollout {
  return {
    index: ro.index, revision: ro.revision, revisions: [...ro.revisions], trigger: ro.trigger, triggers: [...ro.triggers],
    startMs: ro.startMs, offsetMs: micro(ro.startMs - measureFromMs),
    durationMs: ro.durationMs,
    ...(ro.secretToRolloutMs !== undefined ? { secretToRolloutMs: micro(ro.secretToRolloutMs) } : {}),
    completed: ro.completed, window: { ...ro.window }, ...jsonWindow(ro),
  };
}

function jsonWindow(s: WindowStats): JsonWindow {
  return {
    spanMs: s.spanMs, requests: s.requests, scheduled: s.scheduled, sent: s.sent, answered: s.answered, notSent: s.notSent,
    failures: s.failures, failureRate: s.failureRate,
    byKind: { ...s.byKind }, byCause: { ...s.byCause }, latencyMs: { ...s.latencyMs }, downtimeMs: s.downtimeMs,
  };
}

/** Differences of clock readings rounded to the microsecond, so 4007.3234860000002 reads 4007.323486. */
function micro(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
