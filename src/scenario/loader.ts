import { readFile as fsReadFile } from 'node:fs/promises';
import { readConfigFile, type ReadTextFile } from './read-config-file.js';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { formatPath, Locator } from './locate.js';
import type { Scenario } from './model.js';
import { normalizeScenario } from './normalize.js';
import { SCENARIO_API_VERSION, SCENARIO_KIND, scenarioFileSchema } from './schema.js';
import { schemaIssues } from './schema-issues.js';
import { semanticIssues } from './semantics.js';


export type { ReadTextFile };

const HINT = `see scenarios/local-quickstart.yaml for a complete example of apiVersion: ${SCENARIO_API_VERSION}`;

/**
 * Reads and parses a scenario file. A missing or unreadable file is a UsageError (exit 2);
 * anything wrong inside it is one ConfigError listing every issue with file:line:col.
 */
export async function loadScenarioFile(path: string, readFile: ReadTextFile = (p) => fsReadFile(p, 'utf8')): Promise<Scenario> {
  const text = await readConfigFile(path, readFile, {
    noun: 'scenario file',
    notFoundHint: 'check the path (it is relative to the current directory); example scenarios are in scenarios/, e.g. scenarios/local-quickstart.yaml',
    directoryHint: 'pass the YAML files themselves, e.g. scenarios/*.yaml',
  });
  return parseScenario(text, path);
}

/** Parses scenario text; `file` is used in messages and as Scenario.source. Throws ConfigError. */
export function parseScenario(text: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, keepSourceTokens: true });
  const locate = new Locator(doc, lines);
  const fail = (issues: ConfigIssue[]): never => {
    throw new ConfigError([...issues].sort((a, b) => a.line - b.line || a.col - b.col), HINT);
  };

  // Syntax errors come alone: a broken document yields misleading schema errors.
  if (doc.errors.length > 0) {
    fail(doc.errors.map((e) => ({
      file, ...locate.at(e.pos[0]), path: '',
      message: e.code === 'MULTIPLE_DOCS' ? 'expected one document, found several (remove the extra `---` documents)' : `YAML syntax error: ${e.message}`,
    })));
  }
  if (doc.contents === null || (doc.contents as { value?: unknown }).value === null) {
    fail([{ file, line: 1, col: 1, path: '', message: `the file is empty: expected a Scenario (apiVersion: ${SCENARIO_API_VERSION}, kind: ${SCENARIO_KIND})` }]);
  }
  if (!isMap(doc.contents)) {
    fail([{ file, ...locate.value([]), path: '', message: 'expected a mapping with apiVersion, kind, metadata, load, ...' }]);
  }
  const raw = toJs(doc, file, locate);

  const header = headerIssues(raw, file, locate);
  if (header.length > 0) fail(header);

  const parsed = scenarioFileSchema.safeParse(raw);
  const issues = [
    ...(parsed.success ? [] : schemaIssues(parsed.error.issues, file, locate)),
    ...semanticIssues(raw).map((i) => ({ file, ...locate.value(i.path), path: formatPath(i.path), message: i.message })),
  ];
  if (issues.length > 0 || !parsed.success) fail(issues);
  return normalizeScenario(parsed.data!, file);
}

/** apiVersion and kind decide which schema applies, so they are checked before anything else. */
function headerIssues(raw: Record<string, unknown>, file: string, locate: Locator): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (key: 'apiVersion' | 'kind', want: string) => {
    const got = raw[key];
    if (got === want) return;
    const message = got === undefined
      ? `missing ${key}: add "${key}: ${want}"`
      : key === 'apiVersion'
        ? `unsupported apiVersion ${JSON.stringify(got)}: this version of vaultctl reads ${SCENARIO_API_VERSION}`
        : `unsupported kind ${JSON.stringify(got)}: expected ${SCENARIO_KIND}`;
    issues.push({ file, ...locate.value([key]), path: key, message });
  };
  check('apiVersion', SCENARIO_API_VERSION);
  check('kind', SCENARIO_KIND);
  return issues;
}

function toJs(doc: Document, file: string, locate: Locator): Record<string, unknown> {
  try {
    return doc.toJS() as Record<string, unknown>;
  } catch (err) {
    // e.g. an alias "billion laughs" over the limit, or an alias to an undefined anchor.
    throw new ConfigError([{ file, ...locate.value([]), path: '', message: `cannot read the YAML: ${(err as Error).message}` }], HINT);
  }
}
