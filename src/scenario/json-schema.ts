import { z } from 'zod';
import { SCENARIO_API_VERSION, scenarioFileSchema } from './schema.js';

/** Where the generated schema is committed, relative to the project root. */
export const SCENARIO_JSON_SCHEMA_PATH = 'scenarios/schema/scenario.v1alpha1.schema.json';

/**
 * JSON Schema (draft 2020-12) of the scenario file, for editors (yaml-language-server:
 * `# yaml-language-server: $schema=./schema/scenario.v1alpha1.schema.json`). It describes the
 * input side: keys with defaults are optional and show their default.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioFileSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: generated.$schema,
    $id: 'https://vaultctl.dev/schemas/scenario.v1alpha1.schema.json',
    title: `vaultctl Scenario (${SCENARIO_API_VERSION})`,
    description: 'A vaultctl scenario: what to run, how credentials rotate, the load, and the thresholds.',
    ...generated,
  };
}
