/**
 * Escaping for text that goes into the HTML report. Every string taken from a results directory
 * (scenario names, lease ids, causes, error messages) passes through one of these.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML or SVG text node or a quoted attribute value. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Serialises a value as JSON that is safe inside a `<script type="application/json">` element:
 * `<`, `>` and `&` become \u escapes, so no data can close the element or open a comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    // U+2028/2029 are valid in JSON but not in older JavaScript string literals.
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
