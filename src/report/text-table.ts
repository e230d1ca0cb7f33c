import type { RolloutStats, RunAnalysis } from '../analysis/analyze.js';
import type { WindowStats } from '../analysis/stats.js';
import { layoutTable, type Align } from './table-layout.js';

/** Options of renderRunTable. */
export interface RunTableOptions {
  /** Emit ANSI colours (false for NO_COLOR, non-TTY and files). */
  color: boolean;
  /** Shown in the title line. */
  scenarioName: string;
}

const HEADER = ['#', 'trigger', 'start', 'duration', 'sent/asked', 'failures', 'rate', 'downtime', 'p99', 'causes'];
const ALIGN: Align[] = ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'];

/**
 * The terminal table of a run: a title, one row per rollout (start in seconds from the measure
 * start; overlapping rollouts share a row, triggers joined `refresh+at`), then the baseline
 * (everything outside rollout windows) and the overall measured range. `sent/asked` is requests
 * sent of requests scheduled (the rate's denominator); failures include those never sent.
 */
export function renderRunTable(analysis: RunAnalysis, opts: RunTableOptions): string {
  const paint = painter(opts.color);
  const rows: string[][] = [HEADER.map((h) => paint('1', h))];
  for (const r of analysis.rollouts) rows.push(rolloutRow(r, analysis.measureFromMs, paint));
  rows.push(statsRow('baseline', analysis.baseline, paint));
  rows.push(statsRow('overall', analysis.overall, paint));
  const n = analysis.rollouts.length;
  const title = `${opts.scenarioName}: ${n} ${n === 1 ? 'rollout' : 'rollouts'}, ` +
    `${formatSeconds(analysis.measureToMs - analysis.measureFromMs)} measured`;
  return [paint('1', title), ...layoutTable(rows, ALIGN)].join('\n') + '\n';
}

type Paint = (code: string, text: string) => string;

function painter(color: boolean): Paint {
  return color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
}

function rolloutRow(r: RolloutStats, measureFromMs: number, paint: Paint): string[] {
  const duration = r.durationMs === null ? paint('33', 'incomplete') : formatMs(r.durationMs);
  return [String(r.index), r.trigger, formatSeconds(r.startMs - measureFromMs), duration, ...statCells(r, paint)];
}

function statsRow(label: string, s: WindowStats, paint: Paint): string[] {
  return ['', paint('2', label), '', formatMs(s.spanMs), ...statCells(s, paint)];
}

function statCells(s: WindowStats, paint: Paint): string[] {
  const bad = (text: string, isBad: boolean) => (isBad ? paint('31', text) : text);
  const causes = Object.entries(s.byCause).map(([cause, n]) => `${cause}×${n}`).join(' ');
  return [
    bad(sentAsked(s), s.notSent > 0),
    bad(String(s.failures), s.failures > 0),
    bad(`${(s.failureRate * 100).toFixed(3)}%`, s.failures > 0),
    bad(formatMs(s.downtimeMs), s.downtimeMs > 0),
    s.latencyMs.p99 === null ? '-' : formatLatency(s.latencyMs.p99),
    causes === '' ? '-' : causes,
  ];
}

/** `5998/6000`: requests sent of requests scheduled. */
export function sentAsked(s: WindowStats): string {
  return `${s.sent}/${s.scheduled}`;
}

/** `850ms` below a second, `4.21s` above. */
export function formatMs(ms: number): string {
  return Math.abs(ms) < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Histogram values carry ±5 %, so two or three significant digits say all there is. */
function formatLatency(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}
