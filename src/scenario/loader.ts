import { readBoundedTextFile, readConfigFile, type ReadTextFile } from './read-config-file.js';
import { formatPath } from './locate.js';
import { readVersionedYaml } from './versioned-yaml.js';
import type { Scenario } from './model.js';
import { normalizeScenario } from './normalize.js';
import { SCENARIO_API_VERSION, SCENARIO_KIND, scenarioFileSchema } from './schema.js';
import { schemaIssues } from './schema-issues.js';
import { semanticIssues } from './semantics.js';
import { knobWarnings } from './knobs.js';
import type { DeliveryStrategyName } from './delivery-strategy.js';
import { locateVariantIssues, mergedFrom, strategyVariant } from './strategy-variant.js';

export type { ReadTextFile };

const HINT = `see scenarios/local-quickstart.yaml for a complete example of apiVersion: ${SCENARIO_API_VERSION}`;

/**
 * Reads and parses a scenario file. A missing or unreadable file is a UsageError (exit 2);
 * anything wrong inside it is one ConfigError listing every issue with file:line:col.
 */
export async function loadScenarioFile(
  path: string, readFile: ReadTextFile = readBoundedTextFile, opts: ParseOptions = {},
): Promise<Scenario> {
  const text = await readConfigFile(path, readFile, {
    noun: 'scenario file',
    notFoundHint: 'check the path (it is relative to the current directory); example scenarios are in scenarios/, e.g. scenarios/local-quickstart.yaml',
    directoryHint: 'pass the YAML files themselves, e.g. scenarios/*.yaml',
  });
  return parseScenario(text, path, opts);
}

/** How to read a scenario: as written, or as run with one delivery strategy (`rotate-test --strategy`). */
export interface ParseOptions {
  strategy?: DeliveryStrategyName;
}

/**
 * Parses scenario text; `file` is used in messages and as Scenario.source. Throws ConfigError.
 * The scenario runs with its `strategies:` entry for its strategy (or for `opts.strategy`) merged
 * over `delivery` (strategy-variant.ts).
 */
export function parseScenario(text: string, file: string, opts: ParseOptions = {}): Scenario {
  const { raw: written, locate, fail } = readVersionedYaml(text, file, {
    apiVersion: SCENARIO_API_VERSION,
    kind: SCENARIO_KIND,
    emptyMessage: `the file is empty: expected a Scenario (apiVersion: ${SCENARIO_API_VERSION}, kind: ${SCENARIO_KIND})`,
    notMappingMessage: 'expected a mapping with apiVersion, kind, metadata, load, ...',
    unsupportedApiVersion: (got) => `unsupported apiVersion ${JSON.stringify(got)}: this version of vaultctl reads ${SCENARIO_API_VERSION}`,
    hint: HINT,
  });
  const variant = strategyVariant(written, opts.strategy);
  const raw = variant.raw;
  const parsed = scenarioFileSchema.safeParse(raw);
  // A wrong value in `strategies.x` is found there by the schema, and again, merged, in `delivery`:
  // the schema's `delivery` copy is dropped; the cross-key rules about it point at `strategies.x`.
  const issues = [
    ...(parsed.success ? [] : schemaIssues(parsed.error.issues, file, locate)).filter((i) => !mergedFrom(variant, i.path)),
    ...locateVariantIssues(semanticIssues(raw)
      .map((i) => ({ file, ...locate.value(i.path), path: formatPath(i.path), message: i.message })), variant, locate, opts.strategy !== undefined),
  ];
  if (issues.length > 0 || !parsed.success) fail(issues);
  const warnings = knobWarnings(raw).map((w) => ({ ...locate.value(w.path), path: formatPath(w.path), message: w.message }))
    .sort((a, b) => a.line - b.line || a.col - b.col);
  return { ...normalizeScenario(parsed.data!, file), ...(warnings.length > 0 ? { warnings } : {}) };
}
