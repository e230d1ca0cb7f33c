import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCENARIO_JSON_SCHEMA_PATH, scenarioJsonSchema } from '../../../src/scenario/json-schema.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('committed JSON Schema for editors', () => {
  it('equals the schema generated from the zod schema', () => {
    const committed: unknown = JSON.parse(readFileSync(join(ROOT, SCENARIO_JSON_SCHEMA_PATH), 'utf8'));
    expect(
      committed,
      `${SCENARIO_JSON_SCHEMA_PATH} is out of date; regenerate it with: npx tsx test/support/write-json-schema.ts`,
    ).toEqual(scenarioJsonSchema());
  });

  it('is strict and has an id and a title', () => {
    const schema = scenarioJsonSchema() as {
      $id: string; title: string; additionalProperties: boolean; required: string[];
      properties: { workload: { additionalProperties: boolean; properties: { readiness: { additionalProperties: boolean } } } };
    };
    expect(schema.$id).toMatch(/scenario\.v1alpha1\.schema\.json$/);
    expect(schema.title).toContain('vaultctl.dev/v1alpha1');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.workload.properties.readiness.additionalProperties).toBe(false);
    // Keys with defaults are optional for the writer.
    expect(schema.required.sort()).toEqual(['apiVersion', 'kind', 'load', 'metadata']);
  });
});
