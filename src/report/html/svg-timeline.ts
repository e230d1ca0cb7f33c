import type { ReportRun } from '../report-run.js';
import { escapeHtml, jsonForScript } from './html-escape.js';
import { formatMs, num } from './format.js';
import { buildSeries, type FailureKind, type TimelineSeries } from './series.js';
import { makeGeometry, renderAxes, yOf, type Geometry, type Panel } from './svg-geometry.js';
import { collectMarkers, MARKER_LABELS, markerHead, renderMarkers, renderRolloutWindows, type MarkerKind } from './svg-marks.js';
import { renderLegend, type LegendItem } from './svg-legend.js';
import { leaseAccounting, type LiveLeasePoint } from '../../analysis/leases.js';

/** Options of a timeline. */
export interface TimelineOptions {
  /**
   * Length of the x axis in ms from the measured range's start: several runs drawn with the same
   * value share one time scale (a strategy comparison passes the longest measured range). Default:
   * this run's measured range.
   */
  axisMs?: number;
}

/** Fill colours of the failure kinds; distinct hues so stacked bands tell apart. */
export const KIND_COLOURS: Record<FailureKind, string> = {
  http_4xx: '#d4a017',
  http_5xx: '#d62728',
  body_error: '#e377c2',
  conn_refused: '#ff7f0e',
  conn_reset: '#9467bd',
  timeout: '#8c564b',
  other: '#7f7f7f',
  // Requests the generator never sent: a colour apart from the answered and refused ones.
  not_sent: '#17becf',
};

/**
 * The SVG timeline of one run plus a JSON block with its series for the optional hover readout.
 * `id` must be unique in the document. Everything drawn is static; the script only adds a readout.
 * A run that issued leases gets a third panel: live leases (= live database roles) as a step line,
 * so a pile-up (secret-sync-restart) or an overlap (vso) shows on the same time axis as the requests.
 */
export function renderTimelineSvg(run: ReportRun, id: string, opts: TimelineOptions = {}): string {
  const { analysis } = run;
  const series = buildSeries(run.timeline, analysis.measureFromMs, analysis.measureToMs);
  const markers = collectMarkers(run.events, analysis);
  const failureTop = series.requestsPerSec.map((_, i) => series.kinds.reduce((s, k) => s + series.failuresPerSec[k]![i], 0));
  const leases = leaseAccounting(run.events);
  const live = leases.issued > 0 ? liveInRange(leases.live, analysis.measureFromMs, analysis.measureToMs) : undefined;
  const items = legendItems(series, new Set(markers.map((m) => m.kind)), analysis.rollouts.length > 0);
  if (live) items.push({ label: `live leases (peak ${Math.max(...live.map((p) => p.live))} in range)`, swatch: '<line class="leases-line" x1="0" x2="16" y1="0" y2="0"/>' });
  const legend = renderLegend(items, 70, 1176, 42);
  const rangeMs = Math.max(opts.axisMs ?? 0, series.toMs - series.fromMs);
  const g = makeGeometry(rangeMs, Math.max(0, ...series.requestsPerSec), Math.max(0, ...failureTop), legend.bottom + 18,
    live ? Math.max(...live.map((p) => p.live)) : undefined);
  const bounds = boundaries(series);
  const title = `Requests and failures per second (${formatMs(series.bucketMs)} buckets)`;
  const parts = [
    `<svg class="timeline" id="${escapeHtml(id)}" data-series="${escapeHtml(id)}-data" ` +
      `viewBox="0 0 ${g.width} ${g.height}" width="100%" role="img" aria-labelledby="${escapeHtml(id)}-title">`,
    `<title id="${escapeHtml(id)}-title">${escapeHtml(`${run.label}: ${title}`)}</title>`,
    `<text class="chart-title" x="${g.left}" y="20">${escapeHtml(title)}</text>`,
    `<text class="readout" x="${g.right}" y="20" text-anchor="end"></text>`,
    legend.svg,
    renderRolloutWindows(analysis, g),
    renderAxes(g),
    `<g class="series">`,
    ...failureBands(series, bounds, g),
    requestArea(series.requestsPerSec, bounds, g),
    series.kinds.length === 0 ? noFailuresNote(g) : '',
    live ? leasePath(live, series.toMs - series.fromMs, g) : '',
    '</g>',
    renderMarkers(markers, g),
    `<line class="cursor" x1="0" x2="0" y1="${g.plotTop}" y2="${g.plotBottom}" visibility="hidden"/>`,
    '</svg>',
    `<script type="application/json" id="${escapeHtml(id)}-data">${jsonForScript(hoverData(series, g, live))}</script>`,
  ];
  return parts.filter((p) => p !== '').join('\n');
}

function legendItems(series: TimelineSeries, markerKinds: Set<MarkerKind>, hasRollouts: boolean): LegendItem[] {
  const items: LegendItem[] = [{ label: 'requests/s', swatch: '<line class="requests-line" x1="0" x2="16" y1="0" y2="0"/>' }];
  for (const k of series.kinds) {
    items.push({ label: `${k} (${series.failureTotals[k]})`, swatch: `<rect x="0" y="-6" width="14" height="12" fill="${KIND_COLOURS[k]}"/>` });
  }
  if (hasRollouts) items.push({ label: 'rollout window', swatch: '<rect class="window-key" x="0" y="-7" width="16" height="14"/>' });
  for (const kind of Object.keys(MARKER_LABELS) as MarkerKind[]) {
    if (!markerKinds.has(kind)) continue;
    const head = markerHead(kind, 8, { plotTop: kind === 'issued' ? -12 : 2, plotBottom: 4 });
    items.push({ label: MARKER_LABELS[kind], swatch: `<g class="${kind}"><line class="stroke" x1="8" x2="8" y1="-7" y2="7"/>${head}</g>` });
  }
  return items;
}

/** x of every bucket edge: bounds[i] to bounds[i + 1] is bucket i. */
function boundaries(series: TimelineSeries): number[] {
  const out = [0];
  for (const span of series.spanMs) out.push(out[out.length - 1] + span);
  return out;
}

/** A step outline through the values, left to right: `M x0 y0 H x1 V y1 H x2 ...`. */
function stepPath(values: readonly number[], bounds: readonly number[], g: Geometry, p: Panel): string {
  let d = '';
  values.forEach((v, i) => {
    const y = num(yOf(p, v));
    d += i === 0 ? `M${num(g.x(bounds[0]))} ${y}` : `V${y}`;
    d += `H${num(g.x(bounds[i + 1]))}`;
  });
  return d;
}

/** The same outline right to left, to close an area back along its lower edge. */
function stepPathBack(values: readonly number[], bounds: readonly number[], g: Geometry, p: Panel): string {
  let d = '';
  for (let i = values.length - 1; i >= 0; i--) d += `V${num(yOf(p, values[i]))}H${num(g.x(bounds[i]))}`;
  return d;
}

function requestArea(values: number[], bounds: number[], g: Geometry): string {
  if (values.length === 0) return '';
  const line = stepPath(values, bounds, g, g.requests);
  const base = num(yOf(g.requests, 0));
  const area = `${line}V${base}H${num(g.x(bounds[0]))}Z`;
  return `<path class="requests-area" d="${area}"/>\n<path class="requests-line" d="${line}"/>`;
}

/** Failure kinds stacked bottom-up in OUTCOME_KINDS order. */
function failureBands(series: TimelineSeries, bounds: number[], g: Geometry): string[] {
  let lower = series.requestsPerSec.map(() => 0);
  return series.kinds.map((kind) => {
    const upper = lower.map((v, i) => v + series.failuresPerSec[kind]![i]);
    const d = `${stepPath(upper, bounds, g, g.failures)}${stepPathBack(lower, bounds, g, g.failures)}Z`;
    lower = upper;
    return `<path class="failure-band" data-kind="${kind}" fill="${KIND_COLOURS[kind]}" d="${d}"/>`;
  });
}

function noFailuresNote(g: Geometry): string {
  const y = num(g.failures.top + g.failures.height / 2);
  return `<text class="note" x="${num((g.left + g.right) / 2)}" y="${y}" text-anchor="middle">no failed requests in the measured range</text>`;
}

/**
 * The live-lease steps inside the measured range, relative to its start: the count at the start,
 * then every change before the end.
 */
export function liveInRange(points: readonly LiveLeasePoint[], fromMs: number, toMs: number): LiveLeasePoint[] {
  let atStart = 0;
  const out: LiveLeasePoint[] = [];
  for (const p of points) {
    if (p.tMs <= fromMs) atStart = p.live;
    else if (p.tMs < toMs) out.push({ tMs: p.tMs - fromMs, live: p.live });
  }
  return [{ tMs: 0, live: atStart }, ...out];
}

/** The live-lease step line from 0 to the end of this run's range (`endMs`). */
function leasePath(live: readonly LiveLeasePoint[], endMs: number, g: Geometry): string {
  const p = g.leases!;
  let d = '';
  live.forEach((pt, i) => {
    const x = num(g.x(pt.tMs));
    const y = num(yOf(p, pt.live));
    d += i === 0 ? `M${x} ${y}` : `H${x}V${y}`;
  });
  d += `H${num(g.x(endMs))}`;
  return `<path class="leases-line" d="${d}"/>`;
}

/** What the hover script needs: plot edges, the axis length, bucket edges, the per-bucket rates and the live-lease steps. */
function hoverData(series: TimelineSeries, g: Geometry, live: readonly LiveLeasePoint[] | undefined) {
  return {
    left: g.left,
    right: g.right,
    rangeMs: g.rangeMs,
    dataMs: series.toMs - series.fromMs,
    ...(live ? { leases: live.map((p) => [Math.round(p.tMs), p.live]) } : {}),
    bucketMs: series.bucketMs,
    requests: series.requestsPerSec,
    kinds: series.kinds,
    failures: series.kinds.map((k) => series.failuresPerSec[k]),
  };
}
