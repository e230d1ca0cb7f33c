import type { RolloutStats } from '../../analysis/analyze.js';
import type { ReportRun } from '../report-run.js';
import { escapeHtml } from './html-escape.js';
import { sentAsked } from '../text-table.js';
import { verdictHead } from '../verdict-format.js';
import { formatLatency, formatMs, formatRate, formatSeconds, formatWallClock } from './format.js';

/** A comparison row: its name and how to read it off one run. */
interface Row {
  name: string;
  value(run: ReportRun): string;
  /** Marks the cell as bad (red). */
  bad?(run: ReportRun): boolean;
}

const worst = (rs: readonly RolloutStats[], key: (r: RolloutStats) => number): RolloutStats | undefined =>
  rs.reduce<RolloutStats | undefined>((w, r) => (w === undefined || key(r) > key(w) ? r : w), undefined);

const sum = (rs: readonly RolloutStats[], key: (r: RolloutStats) => number): number => rs.reduce((s, r) => s + key(r), 0);

const ROWS: Row[] = [
  { name: 'scenario', value: (r) => r.run.scenario.name },
  { name: 'status', value: (r) => r.run.status, bad: (r) => r.run.status !== 'completed' },
  { name: 'started', value: (r) => formatWallClock(r.run.startedAt) },
  { name: 'verdict', value: (r) => verdictHead(r.verdict).toLowerCase(), bad: (r) => !r.verdict.pass },
  { name: 'measured', value: (r) => formatSeconds(r.analysis.measureToMs - r.analysis.measureFromMs) },
  { name: 'rollouts', value: (r) => String(r.analysis.rollouts.length) },
  {
    name: 'rollout failures',
    value: (r) => `${sum(r.analysis.rollouts, (x) => x.failures)} of ${sum(r.analysis.rollouts, (x) => x.requests)}`,
    bad: (r) => sum(r.analysis.rollouts, (x) => x.failures) > 0,
  },
  {
    name: 'worst rollout rate',
    value: (r) => {
      const w = worst(r.analysis.rollouts, (x) => x.failureRate);
      return w === undefined ? '-' : `${formatRate(w.failureRate)} (#${w.index})`;
    },
    bad: (r) => r.analysis.rollouts.some((x) => x.failures > 0),
  },
  {
    name: 'longest downtime',
    value: (r) => {
      const w = worst(r.analysis.rollouts, (x) => x.downtimeMs);
      return w === undefined ? '-' : `${formatMs(w.downtimeMs)} (#${w.index})`;
    },
    bad: (r) => r.analysis.rollouts.some((x) => x.downtimeMs > 0),
  },
  {
    name: 'worst rollout p99',
    value: (r) => {
      const w = worst(r.analysis.rollouts, (x) => x.latencyMs.p99 ?? -1);
      return w === undefined ? '-' : formatLatency(w.latencyMs.p99);
    },
  },
  { name: 'baseline rate', value: (r) => formatRate(r.analysis.baseline.failureRate), bad: (r) => r.analysis.baseline.failures > 0 },
  { name: 'overall requests', value: (r) => String(r.analysis.overall.requests) },
  { name: 'overall sent/asked', value: (r) => sentAsked(r.analysis.overall), bad: (r) => r.analysis.overall.notSent > 0 },
  { name: 'overall rate', value: (r) => formatRate(r.analysis.overall.failureRate), bad: (r) => r.analysis.overall.failures > 0 },
  { name: 'overall p99', value: (r) => formatLatency(r.analysis.overall.latencyMs.p99) },
  { name: 'leases outstanding', value: (r) => String(r.analysis.leases.outstanding), bad: (r) => r.analysis.leases.outstanding > 0 },
];

/** The side-by-side table of several runs: one column per run, each header linking to its section. */
export function renderComparison(runs: readonly ReportRun[]): string {
  const head = runs.map((r, i) => `<th><a href="#run-${i + 1}">${escapeHtml(r.label)}</a></th>`).join('');
  const rows = ROWS.map((row) => {
    const cells = runs.map((r) => `<td${row.bad?.(r) ? ' class="bad"' : ''}>${escapeHtml(row.value(r))}</td>`).join('');
    return `<tr><th class="text">${escapeHtml(row.name)}</th>${cells}</tr>`;
  });
  return [
    '<section class="comparison">',
    '<h2>Comparison</h2>',
    `<table class="comparison"><thead><tr><th class="text">run</th>${head}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody></table>`,
    '</section>',
  ].join('\n');
}
