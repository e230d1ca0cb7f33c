import { isMap, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { Locator } from './locate.js';
import { failingAlias } from './yaml-aliases.js';

/** What a versioned vaultctl YAML file must declare, and how to talk about it in errors. */
export interface VersionedKind {
  apiVersion: string;
  kind: string;
  /** Message for an empty file. */
  emptyMessage: string;
  /** Message for a document that is not a mapping. */
  notMappingMessage: string;
  /** Message for an apiVersion other than `apiVersion`; default "unsupported apiVersion X: expected Y". */
  unsupportedApiVersion?: (got: unknown) => string;
  /** Hint and subject of the ConfigError ("scenario", "lab config"). */
  hint: string;
  subject?: string;
}

/** A parsed document whose header matched: its plain value, a locator and a way to fail. */
export interface VersionedDocument {
  raw: Record<string, unknown>;
  locate: Locator;
  /** Throws one ConfigError with every issue, sorted by position. */
  fail(issues: ConfigIssue[]): never;
}

/**
 * Parses one YAML document of a versioned vaultctl file (kind's encoding/load.go habit): syntax
 * errors come alone (a broken document yields misleading schema errors), then emptiness and shape,
 * then apiVersion and kind, which decide what the rest means, so they are reported alone too.
 */
export function readVersionedYaml(text: string, file: string, spec: VersionedKind): VersionedDocument {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, keepSourceTokens: true });
  const locate = new Locator(doc, lines);
  const fail = (issues: ConfigIssue[]): never => {
    throw new ConfigError([...issues].sort((a, b) => a.line - b.line || a.col - b.col), spec.hint, spec.subject);
  };
  if (doc.errors.length > 0) {
    fail(doc.errors.map((e) => ({
      file, ...locate.at(e.pos[0]), path: '',
      message: e.code === 'MULTIPLE_DOCS' ? 'expected one document, found several (remove the extra `---` documents)' : `YAML syntax error: ${e.message}`,
    })));
  }
  if (doc.contents === null || (doc.contents as { value?: unknown }).value === null) {
    fail([{ file, line: 1, col: 1, path: '', message: spec.emptyMessage }]);
  }
  if (!isMap(doc.contents)) fail([{ file, ...locate.value([]), path: '', message: spec.notMappingMessage }]);
  let raw: Record<string, unknown> = {};
  try {
    raw = doc.toJS() as Record<string, unknown>;
  } catch (err) {
    // An alias "billion laughs" over yaml's budget, or an alias to an undefined anchor: yaml's
    // error has no position, so find the alias it stopped at.
    const alias = failingAlias(doc);
    const at = alias?.range ? locate.at(alias.range[0]) : locate.value([]);
    const message = alias && /Excessive alias count/.test((err as Error).message)
      ? `alias *${alias.source} expands past yaml's limit of 100 aliased nodes (nested aliases: a "billion laughs")`
      : `cannot read the YAML: ${(err as Error).message}`;
    fail([{ file, ...at, path: '', message }]);
  }
  const header = (['apiVersion', 'kind'] as const).flatMap((key): ConfigIssue[] => {
    const want = spec[key];
    const got = raw[key];
    if (got === want) return [];
    const message = got === undefined
      ? `missing ${key}: add "${key}: ${want}"`
      : key === 'apiVersion' && spec.unsupportedApiVersion
        ? spec.unsupportedApiVersion(got)
        : `unsupported ${key} ${JSON.stringify(got)}: expected ${want}`;
    return [{ file, ...locate.value([key]), path: key, message }];
  });
  if (header.length > 0) fail(header);
  return { raw, locate, fail };
}
