/** Column alignment of a text table. */
export type Align = 'left' | 'right';

// SGR sequences take no room on screen, so widths are measured without them.
const ANSI = /\u001b\[[0-9;]*m/g;

/** Width of a cell as shown on a terminal (ANSI colour codes excluded). */
export function visibleWidth(text: string): number {
  return text.replace(ANSI, '').length;
}

/**
 * Lays out rows of cells into aligned lines: every column as wide as its widest cell, columns
 * separated by `gap` spaces, trailing spaces trimmed. Missing cells count as empty.
 */
export function layoutTable(rows: readonly (readonly string[])[], align: readonly Align[], gap = 2): string[] {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(0, ...rows.map((r) => visibleWidth(r[c] ?? ''))));
  return rows.map((row) => {
    const cells = widths.map((w, c) => {
      const cell = row[c] ?? '';
      const pad = ' '.repeat(w - visibleWidth(cell));
      return (align[c] ?? 'left') === 'right' ? pad + cell : cell + pad;
    });
    return cells.join(' '.repeat(gap)).trimEnd();
  });
}
