// One-off: regenerates the committed editor schema from the zod schema.
// Run from the project root: npx tsx test/support/write-json-schema.ts
import { writeFileSync } from 'node:fs';
import { SCENARIO_JSON_SCHEMA_PATH, scenarioJsonSchema } from '../../src/scenario/json-schema.js';

writeFileSync(SCENARIO_JSON_SCHEMA_PATH, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
console.log(`wrote ${SCENARIO_JSON_SCHEMA_PATH}`);
