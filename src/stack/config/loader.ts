import { readFile as fsReadFile } from 'node:fs/promises';
import { readConfigFile, type ReadTextFile } from '../../scenario/read-config-file.js';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../../errors/errors.js';
import { formatPath, Locator } from '../../scenario/locate.js';
import { schemaIssues } from '../../scenario/schema-issues.js';
import type { StackConfig } from '../stack-config.js';
import { defaultStackConfig, labConfigProblems, normalizeLabConfig } from './normalize.js';
import { LAB_CONFIG_API_VERSION, LAB_CONFIG_KIND, labConfigFileSchema } from './schema.js';


export type { ReadTextFile };

const HINT = 'see manifests/vaultctl.example.yaml for every key with its default';
const SUBJECT = 'lab config';

/**
 * Loads the lab configuration. No path: every default (there is nothing to read). A path that
 * does not exist is a UsageError (exit 2) because the user named it; anything wrong inside the
 * file is one ConfigError (exit 104) listing every issue with file:line:col.
 */
export async function loadLabConfig(path: string | undefined, readFile: ReadTextFile = (p) => fsReadFile(p, 'utf8')): Promise<StackConfig> {
  if (path === undefined) return defaultStackConfig();
  const text = await readConfigFile(path, readFile, {
    noun: 'config file',
    notFoundHint: `check the path, or leave it out to use the defaults (${HINT})`,
    directoryHint: HINT,
  });
  return parseLabConfig(text, path);
}

/** Parses `vaultctl.yaml` text; `file` is used in messages. Throws ConfigError. */
export function parseLabConfig(text: string, file: string): StackConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, keepSourceTokens: true });
  const locate = new Locator(doc, lines);
  const fail = (issues: ConfigIssue[]): never => {
    throw new ConfigError([...issues].sort((a, b) => a.line - b.line || a.col - b.col), HINT, SUBJECT);
  };

  // Syntax errors come alone: a broken document yields misleading schema errors.
  if (doc.errors.length > 0) {
    fail(doc.errors.map((e) => ({
      file, ...locate.at(e.pos[0]), path: '',
      message: e.code === 'MULTIPLE_DOCS' ? 'expected one document, found several (remove the extra `---` documents)' : `YAML syntax error: ${e.message}`,
    })));
  }
  if (doc.contents === null || (doc.contents as { value?: unknown }).value === null) {
    fail([{ file, line: 1, col: 1, path: '', message: `the file is empty: expected apiVersion: ${LAB_CONFIG_API_VERSION} and kind: ${LAB_CONFIG_KIND}` }]);
  }
  if (!isMap(doc.contents)) fail([{ file, ...locate.value([]), path: '', message: 'expected a mapping with apiVersion, kind, namespace, charts, ...' }]);
  let raw: Record<string, unknown> = {};
  try {
    raw = doc.toJS() as Record<string, unknown>;
  } catch (err) {
    fail([{ file, ...locate.value([]), path: '', message: `cannot read the YAML: ${(err as Error).message}` }]);
  }

  // apiVersion and kind decide what the rest means, so they are reported alone.
  const header = (['apiVersion', 'kind'] as const).flatMap((key): ConfigIssue[] => {
    const want = key === 'apiVersion' ? LAB_CONFIG_API_VERSION : LAB_CONFIG_KIND;
    const got = raw[key];
    if (got === want) return [];
    const message = got === undefined ? `missing ${key}: add "${key}: ${want}"` : `unsupported ${key} ${JSON.stringify(got)}: expected ${want}`;
    return [{ file, ...locate.value([key]), path: key, message }];
  });
  if (header.length > 0) fail(header);

  const parsed = labConfigFileSchema.safeParse(raw);
  if (!parsed.success) fail(schemaIssues(parsed.error.issues, file, locate, labConfigFileSchema));
  const config = normalizeLabConfig(parsed.data!);
  const problems = labConfigProblems(config);
  if (problems.length > 0) {
    // A rule about a key left at its default points at the enclosing map that is present.
    fail(problems.map((p) => ({ file, ...locate.value(p.path), path: formatPath(p.path), message: p.message })));
  }
  return config;
}
