import type { ThresholdMetric, ThresholdSpec } from './model.js';

/**
 * Threshold expressions, parsed when a scenario is loaded so a typo fails `validate`, not a run.
 *
 * Grammar (BNF; whitespace is allowed around <op>, nowhere else is it significant):
 *
 *   <threshold> ::= <metric> <op> <value>
 *   <metric>    ::= "rollout.failure_rate" | "baseline.failure_rate"      ; rates
 *                 | "load.sent_ratio"                                    ; sent / scheduled
 *                 | "rollout.downtime" | "rollout.duration"
 *                 | "rollout.latency.p99" | "latency.p99"                ; times
 *                 | "leases.outstanding"                                 ; a count
 *   <op>        ::= "<=" | ">=" | "==" | "!=" | "<" | ">"
 *   <value>     ::= <number> [ <unit> ]
 *   <number>    ::= <digit>+ [ "." <digit>+ ]
 *   <unit>      ::= "%" | "ms" | "s" | "m"
 *
 * Values are converted to base units: a rate takes `%` (0.1% -> 0.001) or a plain ratio in 0..1;
 * a time takes `ms`, `s`, `m` or a plain number of milliseconds (500ms -> 500, 2s -> 2000);
 * `leases.outstanding` takes a plain integer.
 */
export type ParsedThreshold = Omit<ThresholdSpec, 'abortOnFail'>;

/** Either the parsed threshold or a message saying what is wrong with the expression. */
export type ThresholdParseResult = { ok: true; threshold: ParsedThreshold } | { ok: false; message: string };

type MetricKind = 'rate' | 'time' | 'count';

const METRICS: Record<ThresholdMetric, MetricKind> = {
  'rollout.failure_rate': 'rate',
  'baseline.failure_rate': 'rate',
  'rollout.downtime': 'time',
  'rollout.duration': 'time',
  'rollout.latency.p99': 'time',
  'latency.p99': 'time',
  'leases.outstanding': 'count',
  'load.sent_ratio': 'rate',
};

/** Every metric a threshold may name. */
export const THRESHOLD_METRICS = Object.keys(METRICS) as ThresholdMetric[];

const EXPRESSION = /^\s*([A-Za-z0-9_.]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;
const VALUE = /^(\d+(?:\.\d+)?)(%|ms|s|m)?$/;
const TIME_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses one expression such as `rollout.failure_rate < 0.1%`; never throws. */
export function parseThresholdExpression(expression: string): ThresholdParseResult {
  const m = EXPRESSION.exec(expression);
  if (!m) {
    return fail(`expected "<metric> <op> <value>", e.g. "rollout.failure_rate < 0.1%"; ops are < <= > >= == !=`);
  }
  const [, metricText, op, valueText] = m;
  const kind = METRICS[metricText as ThresholdMetric] as MetricKind | undefined;
  if (!kind) return fail(`unknown metric "${metricText}"; known: ${THRESHOLD_METRICS.join(', ')}`);
  const metric = metricText as ThresholdMetric;
  const v = VALUE.exec(valueText);
  if (!v) return fail(`"${valueText}" is not a number with an optional unit (%, ms, s, m)`);
  const num = Number(v[1]);
  const unit = v[2];
  const value = toBaseUnit(metric, kind, num, unit);
  if (typeof value === 'string') return fail(value);
  return { ok: true, threshold: { expression: expression.trim(), metric, op: op as ThresholdSpec['op'], value } };
}

/** Like parseThresholdExpression, but throws; for expressions already validated by the loader. */
export function parseThreshold(expression: string, abortOnFail = false): ThresholdSpec {
  const r = parseThresholdExpression(expression);
  if (!r.ok) throw new Error(`invalid threshold "${expression}": ${r.message}`);
  return { ...r.threshold, abortOnFail };
}

/** The value in base units, or a message when the unit does not fit the metric. */
function toBaseUnit(metric: string, kind: MetricKind, num: number, unit: string | undefined): number | string {
  switch (kind) {
    case 'rate': {
      if (unit !== undefined && unit !== '%') return `${metric} is a rate: use a percentage (0.1%) or a ratio (0.001)`;
      const ratio = unit === '%' ? num / 100 : num;
      // Rounded so 0.1% is exactly 0.001, not 0.0010000000000000002.
      return ratio > 1 ? `${metric} is a rate and cannot exceed 100%` : Number(ratio.toPrecision(12));
    }
    case 'time':
      if (unit === '%') return `${metric} is a time: use ms, s or m (500ms), or plain milliseconds`;
      return Math.round(num * TIME_UNIT_MS[unit ?? 'ms']);
    case 'count':
      if (unit !== undefined) return `${metric} is a count: use a plain integer without a unit`;
      return Number.isInteger(num) ? num : `${metric} is a count: use an integer`;
  }
}

function fail(message: string): ThresholdParseResult {
  return { ok: false, message };
}
