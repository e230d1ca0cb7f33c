/** A duration as written in scenario files: `250ms`, `10s`, `1.5m`, `2h`, or `0`. */
export const DURATION_PATTERN = /^(0|\d+(\.\d+)?(ms|s|m|h))$/;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration string into milliseconds; throws on anything DURATION_PATTERN rejects. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (text === '0') return 0;
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 500ms, 10s, 2m, 1h)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

/** Formats milliseconds the way scenario files write them (`1.5s`, `250ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(2)}s`;
  return `${+(ms / 60_000).toFixed(2)}m`;
}
