import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { SCENARIO_DESCRIPTIONS } from '../../../src/scenario/descriptions.js';
import { describeSchema, scenarioJsonSchema, schemaKeyPaths, type JsonNode } from '../../../src/scenario/json-schema.js';
import { scenarioFileSchema } from '../../../src/scenario/schema.js';

const schema = scenarioJsonSchema();
const described = (path: string): JsonNode => {
  const found = schemaKeyPaths(schema).find((k) => k.path === path);
  if (!found) throw new Error(`no key ${path} in the schema`);
  return found.node;
};

/** JSON pointers of every node under any `properties` map, found without schemaKeyPaths (so its gaps show). */
function propertyNodes(node: unknown, pointer = ''): { pointer: string; node: JsonNode }[] {
  if (node === null || typeof node !== 'object') return [];
  const out: { pointer: string; node: JsonNode }[] = [];
  for (const [key, child] of Object.entries(node)) {
    const at = `${pointer}/${key}`;
    if (key === 'properties' && child !== null && typeof child === 'object' && !Array.isArray(child)) {
      for (const [name, prop] of Object.entries(child as JsonNode)) out.push({ pointer: `${at}/${name}`, node: prop as JsonNode });
    }
    out.push(...propertyNodes(child, at));
  }
  return out;
}

function withoutDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node)
    .filter(([k]) => k !== 'description' && k !== 'markdownDescription')
    .map(([k, v]) => [k, withoutDescriptions(v)]));
}

describe('JSON Schema descriptions', () => {
  it('describes every key at every depth (a key added to schema.ts needs an entry in descriptions*.ts)', () => {
    const keys = schemaKeyPaths(schema).filter((k) => k.property);
    const missing = [...new Set(keys.filter((k) => typeof k.node.description !== 'string' || k.node.description.trim() === '')
      .map((k) => k.path))];
    expect(missing, `keys without a description (add them to src/scenario/descriptions*.ts): ${missing.join(', ')}`).toEqual([]);
    expect(keys.length).toBeGreaterThan(60);
    // The same through a plain scan of the JSON, in case a new construct hides keys from schemaKeyPaths.
    const undescribed = propertyNodes(schema).filter((p) => typeof p.node.description !== 'string').map((p) => p.pointer);
    expect(undescribed, `property nodes without a description: ${undescribed.join(', ')}`).toEqual([]);
  });

  it('has no entry for a key the schema does not have', () => {
    const paths = new Set(schemaKeyPaths(schema).map((k) => k.path));
    const stale = Object.keys(SCENARIO_DESCRIPTIONS).filter((p) => !paths.has(p));
    expect(stale, `descriptions for keys that do not exist: ${stale.join(', ')}`).toEqual([]);
  });

  it('sets markdownDescription to the description and keeps everything zod emits', () => {
    for (const { path, node } of schemaKeyPaths(schema)) {
      if (node.description !== undefined) expect(node.markdownDescription, path).toBe(node.description);
    }
    const generated = z.toJSONSchema(scenarioFileSchema, { io: 'input', target: 'draft-2020-12' });
    const { $id: _id, title: _title, ...rest } = withoutDescriptions(schema) as JsonNode;
    expect(rest).toEqual(withoutDescriptions(generated));
  });

  it('states each default the schema declares', () => {
    const wrong = schemaKeyPaths(schema)
      .filter((k) => k.property && ['string', 'number', 'boolean'].includes(typeof k.node.default))
      .filter((k) => !String(k.node.description).includes(String(k.node.default)))
      .map((k) => `${k.path} (default ${String(k.node.default)})`);
    expect(wrong, `descriptions that do not mention their key's default: ${wrong.join(', ')}`).toEqual([]);
  });

  it('says what the main knobs mean', () => {
    const rate = String(described('load.rate').description);
    expect(rate).toMatch(/`max`/);
    expect(rate).toMatch(/req\/s/);
    expect(described('load.maxInFlight').description).toMatch(/1\.25 × rate × timeout.*4000/);
    expect(described('workload.service.mode').description).toMatch(/`kube-proxy`.*`l7`/s);
    expect(described('rotations.rotateRoot').description).toMatch(/kubernetes/);
    expect(described('thresholds[].abortOnFail').description).toMatch(/Stop the run/);
  });
});

describe('describeSchema', () => {
  it('reaches keys inside items, map values, anyOf branches and $defs', () => {
    const input: JsonNode = {
      type: 'object',
      properties: {
        list: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'object', properties: { a: { type: 'string' } } }] } },
        map: { type: 'object', additionalProperties: { $ref: '#/$defs/Entry' } },
      },
      $defs: { Entry: { type: 'object', properties: { b: { type: 'integer', default: 1 } } } },
    };
    const table = { list: 'L', 'list[]': 'I', 'list[].a': 'A', map: 'M', 'map.*': 'V', 'map.*.b': 'B' };
    const out = describeSchema(input, table);
    expect(schemaKeyPaths(out).map((k) => [k.path, k.node.description])).toEqual([
      ['list', 'L'], ['list[]', 'I'], ['list[].a', 'A'], ['map', 'M'], ['map.*', 'V'], ['map.*.b', 'B'],
    ]);
    expect((out.$defs as { Entry: { properties: { b: JsonNode } } }).Entry.properties.b)
      .toEqual({ description: 'B', markdownDescription: 'B', type: 'integer', default: 1 });
    expect(input.properties).not.toHaveProperty('list.description'); // the input is left alone
  });
});
