import type { RunAnalysis } from '../analysis/analyze.js';
import type { ThresholdResult } from '../analysis/verdict-types.js';
import type { ReportRun } from './report-run.js';
import { compareStrategies, isStrategyComparison, type StrategyRow } from './strategy-comparison.js';
import { formatLimit, formatMetricValue, isCheck, resultDetail, resultName } from './verdict-format.js';

/**
 * The `--format junit` report, for CI test-result views. One `<testsuite>` per run, named
 * `vaultctl.<label>`; one `<testcase>` per threshold result: per-rollout thresholds give one per
 * rollout × threshold, run-wide thresholds one each. A testcase's classname is `vaultctl.<label>`
 * and its name says which rollout met or broke which SLO, e.g.
 * `rollout 2 (refresh): rollout.failure_rate < 0.1%`. A failed one carries a `<failure>` whose
 * message holds the observed value. Checks (a failed rotation, a database failure, an incomplete
 * run) are testcases named by what happened, e.g. `rotation at 16.0s (refresh) failed`, whose
 * failure message is the error or what is missing. `time` is the judged window's length in seconds.
 * Runs of distinct delivery strategies (a strategy comparison) give one suite per strategy named
 * `vaultctl.<strategy>`, in the order given, with its rank, failures and leases left as properties.
 */
export function renderJunitReport(runs: readonly ReportRun[]): string {
  const ranked = isStrategyComparison(runs) ? compareStrategies(runs).rows : undefined;
  const suites = runs.map((r, i) => suite(r, ranked?.find((x) => x.position === i)));
  const tests = runs.reduce((n, r) => n + r.verdict.results.length, 0);
  const failures = runs.reduce((n, r) => n + r.verdict.results.filter((x) => !x.pass).length, 0);
  const time = runs.reduce((t, r) => t + measuredSeconds(r.analysis), 0);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="vaultctl" tests="${tests}" failures="${failures}" errors="0" time="${time.toFixed(3)}">\n` +
    suites.join('') + '</testsuites>\n';
}

function suite(run: ReportRun, strategy?: StrategyRow): string {
  const name = `vaultctl.${strategy?.strategy ?? run.label}`;
  const results = run.verdict.results;
  const failed = results.filter((r) => !r.pass).length;
  const ranking = strategy === undefined ? [] : [['strategy', strategy.strategy], ['rank', String(strategy.rank)],
    ['failures', String(strategy.failures)], ['leases left', String(strategy.leases.outstandingAtEnd)]];
  const props = [['dir', run.dir], ['scenario', run.run.scenario.name], ['source', run.run.scenario.source],
    ['status', run.run.status], ...(run.run.error ? [['error', run.run.error]] : []), ...ranking]
    .map(([k, v]) => `      <property name="${xml(k)}" value="${xml(v)}"/>\n`).join('');
  const cases = results.map((r) => testcase(name, r, run.analysis)).join('');
  return `  <testsuite name="${xml(name)}" tests="${results.length}" failures="${failed}" errors="0" skipped="0" ` +
    `time="${measuredSeconds(run.analysis).toFixed(3)}" timestamp="${xml(run.run.startedAt)}">\n` +
    `    <properties>\n${props}    </properties>\n${cases}  </testsuite>\n`;
}

function testcase(classname: string, r: ThresholdResult, a: RunAnalysis): string {
  const open = `    <testcase classname="${xml(classname)}" name="${xml(resultName(r, a))}" time="${windowSeconds(r, a).toFixed(3)}"`;
  if (r.pass) return `${open}/>\n`;
  if (isCheck(r.metric)) {
    return `${open}>\n      <failure type="${r.metric}" message="${xml(resultDetail(r))}">${xml(`${r.expression}\n${r.note ?? ''}`, false)}</failure>\n    </testcase>\n`;
  }
  const message = `${resultDetail(r)}; limit ${r.op} ${formatLimit(r.metric, r.limit)}`;
  const body = [`${resultName(r, a)}`, `observed: ${formatMetricValue(r.metric, r.observed)}`,
    `limit: ${r.op} ${formatLimit(r.metric, r.limit)}`, ...(r.note ? [`note: ${r.note}`] : [])].join('\n');
  return `${open}>\n      <failure type="threshold" message="${xml(message)}">${xml(body, false)}</failure>\n    </testcase>\n`;
}

function measuredSeconds(a: RunAnalysis): number {
  return Math.max(0, a.measureToMs - a.measureFromMs) / 1000;
}

/** Seconds of the window a result judged: the rollout window, the baseline span, or the measured range. */
function windowSeconds(r: ThresholdResult, a: RunAnalysis): number {
  if (r.rollout !== undefined) {
    const w = a.rollouts.find((ro) => ro.index === r.rollout)?.window;
    return w ? (w.toMs - w.fromMs) / 1000 : 0;
  }
  return (r.subject === 'baseline' ? a.baseline.spanMs : a.measureToMs - a.measureFromMs) / 1000;
}

/**
 * Text safe in an XML attribute or element: the five predefined entities escaped, and characters
 * XML 1.0 forbids (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/U+FFFF) replaced by U+FFFD.
 */
export function xml(text: string, inAttribute = true): string {
  const escaped = text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  // Parsers normalise raw newlines and tabs in attribute values to spaces; references keep them.
  return inAttribute ? escaped.replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;') : escaped;
}
