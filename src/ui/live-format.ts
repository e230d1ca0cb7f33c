import type { LiveState, ThresholdSoFar } from './live-state.js';

/** Text pieces shared by the ink view and the plain renderer, so both say the same thing. */

/** `12s`, `2m05s`. */
export function secs(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** `5,020`. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `0.74%` of requests failed (`0%` before any request). */
export function failurePercent(state: LiveState): string {
  if (state.requests === 0) return '0%';
  const pct = (state.failures / state.requests) * 100;
  return `${pct === 0 ? '0' : pct < 0.01 ? '<0.01' : pct.toFixed(2)}%`;
}

/** Fraction of the load done, 0..1. */
export function progress(state: LiveState): number {
  return state.totalMs > 0 ? Math.min(1, state.elapsedMs / state.totalMs) : 0;
}

/** A bar of `width` cells; Unicode blocks, or `#`/`-` when `ascii`. */
export function bar(fraction: number, width: number, ascii = false): string {
  const w = Math.max(0, Math.floor(width));
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * w);
  return ascii ? '#'.repeat(full) + '-'.repeat(w - full) : '█'.repeat(full) + '░'.repeat(w - full);
}

/** `conn_refused 20 · http_5xx:503 12 · +3 more`, or undefined when nothing failed. */
export function causesText(state: LiveState, sep = ' · '): string | undefined {
  return state.failures === 0 ? undefined : causeItems(state).join(sep);
}

/**
 * Packs `parts` into lines of at most `width` characters joined by `sep`, at most `maxLines`
 * lines; whatever does not fit goes on the last line (the view cuts it there).
 */
export function packLines(parts: string[], width: number, maxLines: number, sep = ' · '): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const cur = lines[lines.length - 1];
    if (cur !== undefined && (cur.length + sep.length + part.length <= width || lines.length >= maxLines)) {
      lines[lines.length - 1] = cur + sep + part;
    } else {
      lines.push(part);
    }
  }
  return lines;
}

/** The cause list as separate items: `conn_refused 20`, …, `+3 other`. */
export function causeItems(state: LiveState): string[] {
  const parts = state.causes.map((c) => `${c.cause} ${count(c.count)}`);
  if (state.otherCauseFailures > 0) parts.push(`+${count(state.otherCauseFailures)} other`);
  return parts;
}

/** `3 ready · 2 new · 1 old · 1 terminating`. */
export function replicasText(state: LiveState, sep = ' · '): string {
  const r = state.replicas;
  return [`${r.ready} ready`, `${r.new} new`, `${r.old} old`, `${r.terminating} terminating`].join(sep);
}

/** `r2 (refresh) 2/3 ready, 4.1s` for the rollout in progress, or undefined. */
export function rolloutText(state: LiveState): string | undefined {
  const r = state.rollout;
  if (!r) return undefined;
  const age = Math.max(0, state.nowMs - r.startedAtMs) / 1000;
  return `r${r.revision} (${r.trigger}) ${r.newReady}/${r.replicas} ready, ${age.toFixed(1)}s`;
}

/** Counts of passing, failing and not-yet-judged thresholds, failing ones first in `failing`. */
export function thresholdTally(thresholds: ThresholdSoFar[]): { pass: number; fail: number; pending: number; failing: string[] } {
  const failing = thresholds.filter((t) => t.pass === false).map((t) => t.expression);
  const pass = thresholds.filter((t) => t.pass === true).length;
  return { pass, fail: failing.length, pending: thresholds.length - pass - failing.length, failing };
}

/** `2 pass, 1 fail, 1 pending; failing: latency.p99 < 500ms`, or `none`. */
export function thresholdsText(thresholds: ThresholdSoFar[]): string {
  if (thresholds.length === 0) return 'none';
  const t = thresholdTally(thresholds);
  const head = `${t.pass} pass, ${t.fail} fail, ${t.pending} pending`;
  return t.failing.length ? `${head}; failing: ${t.failing.join(', ')}` : head;
}
