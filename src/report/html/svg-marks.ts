import type { RolloutStats, RunAnalysis } from '../../analysis/analyze.js';
import type { RunEvent } from '../../ports/events.js';
import { escapeHtml } from './html-escape.js';
import { formatCauses, formatLatency, formatMs, formatRate, formatSeconds, num } from './format.js';
import type { Geometry } from './svg-geometry.js';

/** Marker classes (after `marker`), one per event type drawn as a vertical line. */
export type MarkerKind = 'rotation' | 'lease-expired' | 'lease-revoked' | 'issued';

/** Legend order and wording of the markers. */
export const MARKER_LABELS: Record<MarkerKind, string> = {
  rotation: 'rotation',
  issued: 'credentials issued',
  'lease-expired': 'lease expired',
  'lease-revoked': 'lease revoked',
};

/** A marker-worthy event: its kind, time (ms after the measurement start) and tooltip text. */
export interface Marker {
  kind: MarkerKind;
  atMs: number;
  details: string;
}

/**
 * The events drawn as markers: rotations and lease events inside the measured range (events
 * before the warm-up ended or after the load stopped have no place on the x axis).
 */
export function collectMarkers(events: readonly RunEvent[], analysis: RunAnalysis): Marker[] {
  const out: Marker[] = [];
  for (const e of events) {
    if (e.t < analysis.measureFromMs || e.t > analysis.measureToMs) continue;
    const atMs = e.t - analysis.measureFromMs;
    const at = `at ${formatSeconds(atMs)}`;
    if (e.type === 'rotation_triggered') {
      out.push({ kind: 'rotation', atMs, details: `Rotation (${e.trigger}) ${at}${e.leaseId ? `\nlease ${e.leaseId}` : ''}` });
    } else if (e.type === 'credentials_issued') {
      out.push({ kind: 'issued', atMs, details: `Credentials issued ${at}\nuser ${e.username}\nlease ${e.leaseId}\nttl ${formatMs(e.ttlMs)}, issuer ${e.issuer}` });
    } else if (e.type === 'lease_expired') {
      out.push({ kind: 'lease-expired', atMs, details: `Lease expired ${at}\nlease ${e.leaseId}` });
    } else if (e.type === 'lease_revoked') {
      out.push({ kind: 'lease-revoked', atMs, details: `Lease revoked (${e.reason}) ${at}\nlease ${e.leaseId}` });
    }
  }
  return out;
}

/** One shaded rect per rollout (exactly one, even for an empty window), with a tooltip and a label. */
export function renderRolloutWindows(analysis: RunAnalysis, g: Geometry): string {
  return analysis.rollouts.map((r) => {
    const x0 = g.x(r.window.fromMs - analysis.measureFromMs);
    const x1 = g.x(r.window.toMs - analysis.measureFromMs);
    // A window clipped to nothing still gets a sliver, so it can be seen and hovered.
    const width = Math.max(x1 - x0, 2);
    return `<g class="rollout"><rect class="rollout-window" data-rollout="${r.index}" x="${num(x0)}" y="${g.plotTop}" ` +
      `width="${num(width)}" height="${g.plotBottom - g.plotTop}"><title>${escapeHtml(windowDetails(r, analysis.measureFromMs))}</title></rect>` +
      `<text class="rollout-label" x="${num(x0 + 4)}" y="${g.plotTop + 14}">#${r.index}</text></g>`;
  }).join('\n');
}

function windowDetails(r: RolloutStats, measureFromMs: number): string {
  const rel = (ms: number) => formatSeconds(ms - measureFromMs);
  return [
    r.revisions.length > 1
      ? `Rollout ${r.index}: ${r.trigger} → revisions ${r.revisions.join(', ')} (overlapping, one window)`
      : `Rollout ${r.index}: ${r.trigger} → revision ${r.revision}`,
    `start ${rel(r.startMs)}, duration ${r.durationMs === null ? 'incomplete' : formatMs(r.durationMs)}`,
    `window ${rel(r.window.fromMs)} – ${rel(r.window.toMs)}`,
    `requests ${r.requests}, failures ${r.failures} (rate ${formatRate(r.failureRate)})`,
    ...(r.notSent > 0 ? [`sent ${r.sent} of ${r.scheduled} scheduled`] : []),
    `downtime ${formatMs(r.downtimeMs)}, p99 ${formatLatency(r.latencyMs.p99)}`,
    `causes ${formatCauses(r.byCause)}`,
  ].join('\n');
}

// Rotations are drawn last: the credentials they cause are issued a few ms later, on the same pixel.
const DRAW_ORDER: Record<MarkerKind, number> = { issued: 0, 'lease-expired': 1, 'lease-revoked': 2, rotation: 3 };

/** Vertical marker lines: a thin visible line, a wide transparent one to hover, a head glyph. */
export function renderMarkers(markers: readonly Marker[], g: Geometry): string {
  const ordered = [...markers].sort((a, b) => DRAW_ORDER[a.kind] - DRAW_ORDER[b.kind] || a.atMs - b.atMs);
  return ordered.map((m) => {
    const x = num(g.x(m.atMs));
    const line = `x1="${x}" x2="${x}" y1="${g.plotTop}" y2="${g.plotBottom}"`;
    return `<g class="marker ${m.kind}" data-t="${(m.atMs / 1000).toFixed(3)}"><title>${escapeHtml(m.details)}</title>` +
      `<line class="hit" ${line}/><line class="stroke" ${line}/>${markerHead(m.kind, g.x(m.atMs), g)}</g>`;
  }).join('\n');
}

/** Issued leases get their glyph at the bottom so they stay apart from the rotation that caused them. */
export function markerHead(kind: MarkerKind, x: number, g: Pick<Geometry, 'plotTop' | 'plotBottom'>): string {
  const top = g.plotTop;
  switch (kind) {
    case 'rotation':
      return `<path class="head" d="M${num(x - 5)} ${top - 9}H${num(x + 5)}L${num(x)} ${top - 1}Z"/>`;
    case 'issued':
      return `<circle class="head" cx="${num(x)}" cy="${g.plotBottom}" r="4"/>`;
    case 'lease-expired':
      return `<rect class="head" x="${num(x - 4)}" y="${top - 9}" width="8" height="8"/>`;
    case 'lease-revoked':
      return `<path class="head" d="M${num(x - 4)} ${top - 9}L${num(x + 4)} ${top - 1}M${num(x + 4)} ${top - 9}L${num(x - 4)} ${top - 1}"/>`;
  }
}
