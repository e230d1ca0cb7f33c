import { escapeHtml } from './html-escape.js';

/** One legend entry: an SVG swatch drawn around (0, 0), 16 units wide, and its label. */
export interface LegendItem {
  label: string;
  swatch: string;
}

// Labels are measured by an estimate (no layout engine here); 7 units per character at 12px.
const CHAR_WIDTH = 7;
const ROW_HEIGHT = 20;

/** Lays legend entries out left to right from (left, top), wrapping before `right`. */
export function renderLegend(items: readonly LegendItem[], left: number, right: number, top: number): { svg: string; bottom: number } {
  const out: string[] = ['<g class="legend">'];
  let x = left;
  let y = top;
  for (const item of items) {
    const width = 24 + item.label.length * CHAR_WIDTH + 18;
    if (x + width > right && x > left) {
      x = left;
      y += ROW_HEIGHT;
    }
    out.push(`<g class="legend-item" transform="translate(${x} ${y})">${item.swatch}` +
      `<text x="22" y="0" dominant-baseline="middle">${escapeHtml(item.label)}</text></g>`);
    x += width;
  }
  out.push('</g>');
  return { svg: out.join(''), bottom: y + ROW_HEIGHT / 2 };
}
