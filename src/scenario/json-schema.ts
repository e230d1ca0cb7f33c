import { z } from 'zod';
import { SCENARIO_DESCRIPTIONS, type DescriptionTable } from './descriptions.js';
import { SCENARIO_API_VERSION, scenarioFileSchema } from './schema.js';

/** Where the generated schema is committed, relative to the project root. */
export const SCENARIO_JSON_SCHEMA_PATH = 'scenarios/schema/scenario.v1alpha1.schema.json';

const ROOT_DESCRIPTION = 'A vaultctl scenario: what to run, how credentials rotate, the load, and the thresholds.';

/**
 * JSON Schema (draft 2020-12) of the scenario file, for editors (yaml-language-server:
 * `# yaml-language-server: $schema=./schema/scenario.v1alpha1.schema.json`). It describes the
 * input side: keys with defaults are optional and show their default, and every key carries its
 * help from descriptions.ts.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioFileSchema, { io: 'input', target: 'draft-2020-12' }) as JsonNode;
  return describeSchema({
    $schema: generated.$schema,
    $id: 'https://vaultctl.dev/schemas/scenario.v1alpha1.schema.json',
    title: `vaultctl Scenario (${SCENARIO_API_VERSION})`,
    description: ROOT_DESCRIPTION,
    markdownDescription: ROOT_DESCRIPTION,
    ...generated,
  }, SCENARIO_DESCRIPTIONS);
}

export type JsonNode = Record<string, unknown>;

/** One place in a schema where a scenario key's value is described (path syntax: descriptions.ts). */
export interface SchemaKeyPath {
  path: string;
  node: JsonNode;
  /** Under a `properties` map: a key a user writes, which must have a description. */
  property: boolean;
}

/**
 * Every key path of `schema`: `properties` (dotted), array `items` (`[]`) and map values
 * (`additionalProperties`, `.*`), looking through `anyOf`/`oneOf`/`allOf` branches (they describe
 * the same key) and local `$ref`s into `$defs` (each definition walked once, under the first path
 * that reaches it, so a recursive definition cannot loop). A key found in two branches is listed twice.
 */
export function schemaKeyPaths(schema: JsonNode): SchemaKeyPath[] {
  const out: SchemaKeyPath[] = [];
  const defs = isNode(schema.$defs) ? schema.$defs : {};
  const seenDefs = new Set<string>();
  const walk = (node: unknown, path: string): void => {
    if (!isNode(node)) return;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/$defs/')) {
      const name = node.$ref.slice('#/$defs/'.length).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!seenDefs.has(name)) {
        seenDefs.add(name);
        walk(defs[name], path);
      }
    }
    if (isNode(node.properties)) {
      for (const [key, child] of Object.entries(node.properties)) {
        const p = path === '' ? key : `${path}.${key}`;
        if (isNode(child)) out.push({ path: p, node: child, property: true });
        walk(child, p);
      }
    }
    for (const [keyword, suffix] of [['items', '[]'], ['additionalProperties', '.*']] as const) {
      const child = node[keyword];
      if (!isNode(child)) continue;
      out.push({ path: `${path}${suffix}`, node: child, property: false });
      walk(child, `${path}${suffix}`);
    }
    for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
      const branches = node[keyword];
      if (Array.isArray(branches)) for (const b of branches) walk(b, path);
    }
  };
  walk(schema, '');
  return out;
}

/**
 * A copy of `schema` with each key's `description` from `table` (placed first, so it reads first
 * in the committed file) and `markdownDescription` equal to it: VS Code's YAML extension shows the
 * markdown one and other editors the plain one. Everything zod emitted stays; a description zod
 * emitted itself is kept where the table has none.
 */
export function describeSchema(schema: JsonNode, table: DescriptionTable): JsonNode {
  // Through JSON, not structuredClone: a node zod shares between two keys must become two nodes,
  // or the second key's description would overwrite the first's.
  const copy = JSON.parse(JSON.stringify(schema)) as JsonNode;
  for (const { path, node } of schemaKeyPaths(copy)) {
    const text = Object.hasOwn(table, path) ? table[path] : node.description;
    if (typeof text !== 'string' || text === '') continue;
    const rest: JsonNode = { ...node };
    delete rest.description;
    delete rest.markdownDescription;
    for (const key of Object.keys(node)) delete node[key];
    Object.assign(node, { description: text, markdownDescription: text }, rest);
  }
  return copy;
}

function isNode(v: unknown): v is JsonNode {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
