import type { ThresholdResult } from '../../analysis/verdict-types.js';
import { formatMs } from '../text-table.js';

// The same number formats as the text report, so HTML and text agree figure for figure.
export { formatMs };
import { formatLatency, formatMetricValue, formatRate } from '../verdict-format.js';

export { formatLatency, formatRate };

/** Seconds with one decimal, as the text table shows rollout starts: `4.0s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}



/** Failure causes as `kind:cause×n`, space-separated; `-` when there are none. */
export function formatCauses(byCause: Record<string, number>): string {
  const text = Object.entries(byCause).map(([cause, n]) => `${cause}×${n}`).join(' ');
  return text === '' ? '-' : text;
}

/** A threshold value in the unit of its metric: ratios as %, times as ms/s, counts as numbers. */
export function formatThresholdValue(metric: ThresholdResult['metric'], value: number | null): string {
  return value === null ? '-' : formatMetricValue(metric, value);
}

/** A wall-clock ISO time shown as `2026-11-22 05:52:41 UTC`; anything unparsable is shown as is. */
export function formatWallClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A number for an SVG coordinate: one decimal, no trailing `.0`, keeps the markup small. */
export function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}
