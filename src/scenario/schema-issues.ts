import type { z } from 'zod';
import type { ConfigIssue } from '../errors/errors.js';
import { formatPath, type Locator } from './locate.js';
import { scenarioFileSchema } from './schema.js';

/**
 * Turns zod issues into ConfigIssues that point into the file: at the offending value, at the
 * unknown key itself, or at the parent map when a required key is missing. `root` is the schema
 * that produced the issues (the scenario schema unless given; the lab config passes its own).
 */
export function schemaIssues(
  issues: readonly z.core.$ZodIssue[],
  file: string,
  locate: Locator,
  root: z.ZodType = scenarioFileSchema,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of flatten(issues, [])) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(path, root);
      for (const key of issue.keys) {
        const hint = closest(key, known);
        out.push({
          file, ...locate.key(path, key), path: formatPath([...path, key]),
          message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : known.length ? `; allowed: ${known.join(', ')}` : ''}`,
        });
      }
      continue;
    }
    const missing = path.length > 0 && !locate.has(path) && locate.has(path.slice(0, -1));
    const message = missing ? `required key "${String(path[path.length - 1])}" is missing` : tidy(issue.message);
    out.push({ file, ...locate.value(path), path: formatPath(path), message });
  }
  return out;
}

/**
 * A union whose input matched one option's type (an object given for `string | {threshold}`)
 * reports that option's inner issues, which point deeper than "none of the options matched".
 */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    const at = { ...issue, path: [...prefix, ...issue.path] } as z.core.$ZodIssue;
    if (issue.code !== 'invalid_union') return [at];
    const deeper = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'));
    return deeper ? flatten(deeper, at.path) : [at];
  });
}

function tidy(message: string): string {
  return message.replace(/^(Invalid input|Invalid option|Too small|Too big): /, '');
}

interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
  element?: { _zod: { def: SchemaDef } };
  /** A record's values (`strategies:` entries). */
  valueType?: { _zod: { def: SchemaDef } };
  options?: { _zod: { def: SchemaDef } }[];
}

/** The keys `root` (the scenario schema unless given) allows in the object at `path` (for "did you mean"). */
export function knownKeys(path: readonly (string | number)[], root: z.ZodType = scenarioFileSchema): string[] {
  let defs: SchemaDef[] = [(root as unknown as { _zod: { def: SchemaDef } })._zod.def];
  for (let i = 0; i <= path.length; i++) {
    // Unwrap defaults, optionals and unions until objects (or lists) remain.
    defs = defs.flatMap(unwrap);
    if (i === path.length) break;
    const seg = path[i];
    defs = defs.flatMap((d) => {
      if (d.type === 'object' && typeof seg === 'string' && d.shape?.[seg]) return [d.shape[seg]._zod.def];
      if (d.type === 'array' && typeof seg === 'number' && d.element) return [d.element._zod.def];
      if (d.type === 'record' && typeof seg === 'string' && d.valueType) return [d.valueType._zod.def];
      return [];
    });
  }
  return defs.flatMap((d) => (d.type === 'object' && d.shape ? Object.keys(d.shape) : []));
}

/** Looks through defaults, optionals and unions to the object or list schemas inside. */
function unwrap(d: SchemaDef): SchemaDef[] {
  if (d.innerType) return unwrap(d.innerType._zod.def);
  if (d.options) return d.options.flatMap((o) => unwrap(o._zod.def));
  return [d];
}

/** A known key within edit distance 2 of `key`, if any. */
function closest(key: string, known: string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
