import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** 1-based line and column in the scenario file. */
export interface Position {
  line: number;
  col: number;
}

/** Key path as dotted text: `workload.replicas`, `thresholds[2].threshold`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${String(seg)}` : String(seg)), '');
}

/** A locator over the YAML text of a scenario file (for positions of keys found by other checks). */
export function locatorFor(text: string): Locator {
  const lines = new LineCounter();
  return new Locator(parseDocument(text, { lineCounter: lines }), lines);
}

/** Finds where things are in a parsed YAML document, for error messages. */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of an offset in the source. */
  at(offset: number): Position {
    return this.lines.linePos(offset);
  }

  /**
   * Position of the value at `path`; when part of the path is missing, the map or list that
   * should hold it (so "missing key" points at the parent).
   */
  value(path: readonly PropertyKey[]): Position {
    return this.nodePos(this.walk(path).node);
  }

  /** Position of the key `key` inside the map at `path` (for unknown keys); falls back to the map. */
  key(path: readonly PropertyKey[], key: string): Position {
    const { node, complete } = this.walk(path);
    if (complete && isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === key);
      if (pair && isNodeWithRange(pair.key)) return this.at(pair.key.range[0]);
    }
    return this.nodePos(node);
  }

  /** Whether `path` names a key or item present in the document. */
  has(path: readonly PropertyKey[]): boolean {
    return this.walk(path).complete;
  }

  private walk(path: readonly PropertyKey[]): { node: unknown; complete: boolean } {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        // `key:` with no value has a null scalar; point at the key when even that is absent.
        next = pair ? (pair.value ?? pair.key) : undefined;
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      }
      if (next === undefined || next === null) return { node, complete: false };
      node = next;
    }
    return { node, complete: true };
  }

  private nodePos(node: unknown): Position {
    return isNodeWithRange(node) ? this.at(node.range[0]) : { line: 1, col: 1 };
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function isNodeWithRange(node: unknown): node is Node & { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as Node).range);
}
