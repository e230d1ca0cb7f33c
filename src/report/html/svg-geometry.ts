import { escapeHtml } from './html-escape.js';
import { num } from './format.js';

/** One horizontal chart panel: its vertical placement and y scale. */
export interface Panel {
  top: number;
  height: number;
  /** Value at the top edge (a nice round number). */
  max: number;
  /** y-axis tick values from 0 to max. */
  ticks: number[];
  /** Axis title, e.g. `requests/s`. */
  label: string;
}

/** Where things go in the timeline SVG (viewBox units; the SVG scales to the page width). */
export interface Geometry {
  width: number;
  height: number;
  left: number;
  right: number;
  /** Top of the first panel and bottom of the last: the span of windows and markers. */
  plotTop: number;
  plotBottom: number;
  /** Length of the measured range in ms (x runs from 0 to this). */
  rangeMs: number;
  /** x coordinate of a time in ms after the measurement start (clamped to the plot). */
  x(ms: number): number;
  requests: Panel;
  failures: Panel;
  /** Live leases (= live database roles), when the run issued any. */
  leases?: Panel;
}

const WIDTH = 1200;
const LEFT = 70;
const RIGHT = 24;

/**
 * Lays out the panels below a header of `headerHeight` (title and legend): requests, failures and,
 * when `maxLeases` is given, live leases. x runs from 0 to `rangeMs` (several runs share one axis
 * by passing the same range).
 */
export function makeGeometry(rangeMs: number, maxRequests: number, maxFailures: number, headerHeight: number,
  maxLeases?: number): Geometry {
  const requests = panel(headerHeight, 210, maxRequests, 'requests/s');
  const failures = panel(requests.top + requests.height + 28, 130, maxFailures, 'failures/s');
  const leases = maxLeases === undefined ? undefined : panel(failures.top + failures.height + 28, 90, maxLeases, 'live leases', 1);
  const last = leases ?? failures;
  const plotBottom = last.top + last.height;
  const span = Math.max(rangeMs, 1);
  return {
    width: WIDTH,
    height: plotBottom + 52,
    left: LEFT,
    right: WIDTH - RIGHT,
    plotTop: requests.top,
    plotBottom,
    rangeMs,
    x: (ms) => LEFT + (Math.min(Math.max(ms, 0), span) / span) * (WIDTH - RIGHT - LEFT),
    requests,
    failures,
    ...(leases ? { leases } : {}),
  };
}

/** y coordinate of a value in a panel. */
export function yOf(p: Panel, value: number): number {
  return p.top + p.height - (Math.min(value, p.max) / p.max) * p.height;
}

function panel(top: number, height: number, maxValue: number, label: string, minStep = 0): Panel {
  // Counts (leases) step by whole numbers at least.
  const step = Math.max(minStep, niceStep(Math.max(maxValue, 1) / 4));
  const max = Math.max(step, Math.ceil(maxValue / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= max + step / 2; v += step) ticks.push(Math.round(v * 1000) / 1000);
  return { top, height, max, ticks, label };
}

/** The 1-2-5 step nearest above `raw`. */
export function niceStep(raw: number): number {
  const mag = 10 ** Math.floor(Math.log10(raw > 0 ? raw : 1));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Grid lines, y ticks and titles of both panels and the x axis in seconds. */
export function renderAxes(g: Geometry): string {
  const out: string[] = ['<g class="axes">'];
  for (const p of [g.requests, g.failures, ...(g.leases ? [g.leases] : [])]) {
    for (const v of p.ticks) {
      const y = num(yOf(p, v));
      out.push(`<line class="grid" x1="${g.left}" x2="${g.right}" y1="${y}" y2="${y}"/>`);
      out.push(`<text class="tick" x="${g.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatTick(v))}</text>`);
    }
    const cy = num(p.top + p.height / 2);
    out.push(`<text class="axis-title" transform="translate(16 ${cy}) rotate(-90)" text-anchor="middle">${escapeHtml(p.label)}</text>`);
    out.push(`<rect class="frame" x="${g.left}" y="${p.top}" width="${g.right - g.left}" height="${p.height}"/>`);
  }
  const stepS = niceStep(Math.max(g.rangeMs, 1000) / 1000 / 12);
  for (let i = 0; i * stepS * 1000 <= g.rangeMs + 1e-6; i++) {
    const s = Math.round(i * stepS * 1000) / 1000;
    const x = num(g.x(s * 1000));
    out.push(`<line class="grid vgrid" x1="${x}" x2="${x}" y1="${g.plotTop}" y2="${g.plotBottom}"/>`);
    out.push(`<line class="tickmark" x1="${x}" x2="${x}" y1="${g.plotBottom}" y2="${g.plotBottom + 5}"/>`);
    out.push(`<text class="tick" x="${x}" y="${g.plotBottom + 18}" text-anchor="middle">${escapeHtml(formatTick(s))}s</text>`);
  }
  out.push(`<text class="axis-title" x="${num((g.left + g.right) / 2)}" y="${g.plotBottom + 40}" text-anchor="middle">` +
    'seconds since the start of the measured range</text>');
  out.push('</g>');
  return out.join('\n');
}

function formatTick(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
}
