import { LOAD_DESCRIPTIONS } from './descriptions-load.js';
import { SETUP_DESCRIPTIONS } from './descriptions-setup.js';
import { WORKLOAD_DESCRIPTIONS } from './descriptions-workload.js';

/**
 * Editor help for every key of the scenario file: json-schema.ts writes each entry into the JSON
 * Schema as `description` and `markdownDescription` (yaml-language-server and VS Code show them on
 * hover and in completion). The table lives apart from the zod schema so the text can be read and
 * reviewed in one place, and a test checks that the two agree both ways.
 *
 * Key paths, as `schemaKeyPaths()` in json-schema.ts spells them:
 *
 * - an object key is its dotted path from the root: `workload.readiness.path`;
 * - `[]` after an array key is one of its items: `thresholds[]`, `thresholds[].threshold`;
 * - `.*` after a map key (`workload.env`, `load.request.headers`) is any of its values.
 *
 * Every key under `properties` needs an entry; items (`[]`) and map values (`.*`) may have one.
 * Entries are markdown: one to three sentences saying what the key does, its default, its unit,
 * and which target it applies to.
 */
export type DescriptionTable = Readonly<Record<string, string>>;

/**
 * `strategies.<name>` entries hold `delivery` keys (all but `strategy`), so each says what its
 * `delivery` twin says.
 */
function strategyEntryDescriptions(table: DescriptionTable): DescriptionTable {
  const out: Record<string, string> = {
    strategies: 'Each delivery strategy\'s own settings (`delivery` keys), merged over `delivery` when the scenario runs ' +
      'with that strategy: its `delivery.strategy`, or each strategy of `vaultctl rotate-test --strategy a,b|all`. ' +
      'Lets one scenario compare strategies whose knobs the others refuse.',
  };
  for (const [path, text] of Object.entries(table)) {
    const key = /^delivery\.([A-Za-z]+)$/.exec(path)?.[1];
    if (key && key !== 'strategy') out[`strategies.*.${key}`] = text;
  }
  return out;
}

/** The whole table, one section per file so each stays readable. */
export const SCENARIO_DESCRIPTIONS: DescriptionTable = {
  ...SETUP_DESCRIPTIONS,
  ...WORKLOAD_DESCRIPTIONS,
  ...LOAD_DESCRIPTIONS,
  ...strategyEntryDescriptions(SETUP_DESCRIPTIONS),
};
