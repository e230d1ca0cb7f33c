import type { ThresholdResult } from '../../analysis/verdict-types.js';
import { formatMs } from '../text-table.js';

export { formatMs };

/** Seconds with one decimal, as the text table shows rollout starts: `4.0s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A ratio as a percentage with three decimals, as the text table shows failure rates. */
export function formatRate(ratio: number): string {
  return `${(ratio * 100).toFixed(3)}%`;
}

/** A latency with two or three significant digits (histograms carry ±5 %), as the text table does. */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** Failure causes as `kind:cause×n`, space-separated; `-` when there are none. */
export function formatCauses(byCause: Record<string, number>): string {
  const text = Object.entries(byCause).map(([cause, n]) => `${cause}×${n}`).join(' ');
  return text === '' ? '-' : text;
}

/** A threshold value in the unit of its metric: ratios as %, times as ms/s, counts as numbers. */
export function formatThresholdValue(metric: ThresholdResult['metric'], value: number | null): string {
  if (value === null) return '-';
  if (metric.endsWith('failure_rate')) return formatRate(value);
  if (metric === 'leases.outstanding') return String(value);
  return formatMs(value);
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
