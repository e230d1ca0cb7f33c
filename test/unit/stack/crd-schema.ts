import { readdirSync, readFileSync } from 'node:fs';

/** The subset of a CRD's structural OpenAPI v3 schema the pinned CRDs (ESO, VSO, ...) use. */
interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

// Every `*-crd-schemas.json` fixture (each with its source in test/fixtures/stack/README.md), keyed `<apiVersion>/<kind>`.
const FIXTURES = new URL('../../fixtures/stack/', import.meta.url);
const schemas: Record<string, Schema> = Object.assign(
  {},
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith('-crd-schemas.json'))
    .map((f) => (JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as { schemas: Record<string, Schema> }).schemas),
);

/**
 * Checks an object against the pinned CRD schema for its apiVersion/kind, as the API server
 * would: types, required keys, enums, patterns, and, unlike the npm models, UNKNOWN keys (which
 * the server prunes silently or rejects under strict field validation). Returns the problems.
 */
export function crdProblems(obj: { apiVersion: string; kind: string }): string[] {
  const schema = schemas[`${obj.apiVersion}/${obj.kind}`];
  if (!schema) return [`no CRD schema for ${obj.apiVersion}/${obj.kind}`];
  const out: string[] = [];
  // ObjectMeta is `type: object` in CRDs; the API server validates it separately.
  const { metadata: _metadata, ...rest } = obj as Record<string, unknown>;
  check(rest, { ...schema, properties: { ...schema.properties, metadata: undefined as unknown as Schema } }, '', out);
  return out;
}

function check(value: unknown, s: Schema, at: string, out: string[]): void {
  if (value === null) {
    if (!s.nullable) out.push(`${at || '/'}: null is not allowed`);
    return;
  }
  if (s.enum && !s.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  switch (s.type) {
    case 'string':
      if (typeof value !== 'string') return void out.push(`${at}: expected string`);
      if (s.pattern && !new RegExp(s.pattern).test(value)) out.push(`${at}: ${JSON.stringify(value)} does not match ${s.pattern}`);
      if (s.minLength !== undefined && value.length < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
      if (s.maxLength !== undefined && value.length > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
      return;
    case 'integer':
      if (!Number.isInteger(value)) return void out.push(`${at}: expected integer`);
      if (s.minimum !== undefined && (value as number) < s.minimum) out.push(`${at}: less than ${s.minimum}`);
      if (s.maximum !== undefined && (value as number) > s.maximum) out.push(`${at}: greater than ${s.maximum}`);
      return;
    case 'number':
      if (typeof value !== 'number') out.push(`${at}: expected number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${at}: expected boolean`);
      return;
    case 'array':
      if (!Array.isArray(value)) return void out.push(`${at}: expected array`);
      if (s.minItems !== undefined && value.length < s.minItems) out.push(`${at}: fewer than ${s.minItems} items`);
      if (s.items) value.forEach((v, i) => check(v, s.items!, `${at}/${i}`, out));
      return;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return void out.push(`${at}: expected object`);
      const record = value as Record<string, unknown>;
      for (const key of s.required ?? []) if (!(key in record)) out.push(`${at}: missing required ${key}`);
      for (const [key, v] of Object.entries(record)) {
        const prop = s.properties?.[key];
        if (prop) check(v, prop, `${at}/${key}`, out);
        else if (s.properties && key in s.properties) continue; // explicitly skipped (metadata)
        else if (typeof s.additionalProperties === 'object') check(v, s.additionalProperties, `${at}/${key}`, out);
        else if (!s.additionalProperties && !s['x-kubernetes-preserve-unknown-fields']) out.push(`${at}/${key}: unknown field`);
      }
      return;
    }
    default:
      return; // untyped (int-or-string, preserve-unknown): anything goes
  }
}
