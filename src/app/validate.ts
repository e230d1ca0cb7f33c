import { formatDuration } from '../scenario/duration.js';
import { ConfigError, UsageError, type ConfigIssue } from '../errors/errors.js';
import { loadScenarioFile, type ReadTextFile } from '../scenario/loader.js';
import type { Scenario } from '../scenario/model.js';

/** What `vaultctl validate` needs from outside. */
export interface ValidateDeps {
  readFile?: ReadTextFile;
  /** One line per valid file. */
  log?: (line: string) => void;
}

/**
 * Use case `vaultctl validate FILE...`: loads every file and reports all problems of all files at
 * once. A missing file is a UsageError (exit 2) and wins over invalid content; otherwise every
 * issue of every invalid file is thrown as one ConfigError (exit 104).
 */
export async function validateScenarios(files: string[], deps: ValidateDeps = {}): Promise<{ valid: string[] }> {
  if (files.length === 0) throw new UsageError('no scenario files given', 'usage: vaultctl validate FILE... (e.g. scenarios/*.yaml)');
  const log = deps.log ?? (() => {});
  const valid: string[] = [];
  const issues: ConfigIssue[] = [];
  const missing: UsageError[] = [];
  for (const file of files) {
    try {
      const scenario = await loadScenarioFile(file, deps.readFile);
      valid.push(file);
      log(`✓ ${file} (${summarize(scenario)})`);
      for (const w of scenario.warnings ?? []) log(`  ⚠ ${file}:${w.line}:${w.col} ${w.path}: ${w.message}`);
    } catch (err) {
      if (err instanceof ConfigError) issues.push(...err.issues);
      else if (err instanceof UsageError) missing.push(err);
      else throw err;
    }
  }
  if (missing.length === 1) throw missing[0];
  if (missing.length > 1) {
    throw new UsageError(`${missing.length} scenario files cannot be read:\n${missing.map((e) => `  ${e.message}`).join('\n')}`, missing[0].hint);
  }
  if (issues.length > 0) throw new ConfigError(issues, invalidHint(files.length - valid.length, files.length));
  return { valid };
}

/** `local-quickstart: local, 3 replicas, restart every 8s, 2 thresholds` */
export function summarize(s: Scenario): string {
  const parts = [s.target, `${s.workload.replicas} ${s.workload.replicas === 1 ? 'replica' : 'replicas'}`];
  const rotations: string[] = [];
  // A strategy with its own timing (agent-template's watcher, init-renewer's renewer) is named instead.
  const own = s.delivery.strategy !== undefined && s.delivery.strategy !== 'secret-sync-restart';
  if (own) rotations.push(`strategy ${s.delivery.strategy}`);
  // static-role's refreshInterval is its ESO carrier's, which picks up each rotated password.
  const refresh = own ? 'ESO refresh' : s.delivery.reload;
  if (s.delivery.refreshIntervalMs > 0) rotations.push(`${refresh} every ${formatDuration(s.delivery.refreshIntervalMs)}`);
  if (s.rotations.atMs.length > 0) rotations.push(`${s.rotations.atMs.length} forced ${plural(s.rotations.atMs.length, 'rotation')}`);
  if (s.rotations.revokeAtMs.length > 0) rotations.push(`${s.rotations.revokeAtMs.length} ${plural(s.rotations.revokeAtMs.length, 'revocation')}`);
  parts.push(...(rotations.length > 0 ? rotations : ['no rotations']));
  if (s.thresholds.length > 0) parts.push(`${s.thresholds.length} ${plural(s.thresholds.length, 'threshold')}`);
  return `${s.name}: ${parts.join(', ')}`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function invalidHint(invalid: number, total: number): string {
  const which = total === 1 ? 'the file' : `${invalid} of ${total} files`;
  return `fix the issues above in ${which}; scenarios/local-quickstart.yaml is a complete, valid example`;
}
