import { readFile as fsReadFile } from 'node:fs/promises';
import { readConfigFile, type ReadTextFile } from '../../scenario/read-config-file.js';
import { formatPath } from '../../scenario/locate.js';
import { readVersionedYaml } from '../../scenario/versioned-yaml.js';
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
  const { raw, locate, fail } = readVersionedYaml(text, file, {
    apiVersion: LAB_CONFIG_API_VERSION,
    kind: LAB_CONFIG_KIND,
    emptyMessage: `the file is empty: expected apiVersion: ${LAB_CONFIG_API_VERSION} and kind: ${LAB_CONFIG_KIND}`,
    notMappingMessage: 'expected a mapping with apiVersion, kind, namespace, charts, ...',
    hint: HINT,
    subject: SUBJECT,
  });
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
