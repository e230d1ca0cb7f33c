import { UsageError } from '../../errors/errors.js';
import { RELOADER_NAMES, type ReloaderName, type StackConfig } from '../stack-config.js';
import { LAB_STRATEGY_NAMES, type LabStrategyName } from '../strategies/lab-strategy.js';
import { labConfigProblems, orderStrategies } from './normalize.js';
import { labConfigFileSchema } from './schema.js';

/** Values from command-line flags or environment variables; `undefined` means "not given". */
export type StackOverrides = Partial<{
  clusterName: string;
  kubeContext: string;
  namespace: string;
  appHostPort: number;
  appNodePort: number;
  vaultHostPort: number;
  vaultNodePort: number;
  postgresNamespace: string;
  /** `--strategies a,b` / VAULTCTL_STRATEGIES, split on commas; replaces the file's list. */
  strategies: string[];
  /** `--reloader wave|stakater` / VAULTCTL_RELOADER; replaces the file's `reloader`. */
  reloader: string;
}>;

/**
 * Returns `cfg` with the given overrides applied (a new object; `cfg` is not changed). Each value
 * gets the same checks as in the file; a bad one is a UsageError naming the override, because it
 * came from a flag or the environment rather than from the file.
 */
export function applyOverrides(cfg: StackConfig, overrides: StackOverrides): StackConfig {
  const shape = labConfigFileSchema.shape;
  const check = <T>(key: string, schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, value: T): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new UsageError(`invalid ${key} ${JSON.stringify(value)}: ${r.error?.issues[0]?.message ?? 'not allowed'}`);
    return value;
  };
  const out: StackConfig = structuredClone(cfg);
  const o = overrides;
  if (o.clusterName !== undefined) out.clusterName = check('cluster name', shape.clusterName, o.clusterName);
  if (o.kubeContext !== undefined) out.kubeContext = check('kube context', shape.kubeContext, o.kubeContext);
  if (o.namespace !== undefined) out.namespace = check('namespace', shape.namespace, o.namespace);
  if (o.appHostPort !== undefined) out.appHostPort = check('app host port', shape.appHostPort, o.appHostPort);
  if (o.appNodePort !== undefined) out.appNodePort = check('app node port', shape.appNodePort, o.appNodePort);
  if (o.vaultHostPort !== undefined) out.vaultHostPort = check('Vault host port', shape.vaultHostPort, o.vaultHostPort);
  if (o.vaultNodePort !== undefined) out.vaultNodePort = check('Vault node port', shape.vaultNodePort, o.vaultNodePort);
  if (o.postgresNamespace !== undefined) out.postgres.namespace = check('Postgres namespace', shape.postgres.unwrap().shape.namespace, o.postgresNamespace);
  if (o.strategies !== undefined) out.strategies = strategiesOverride(o.strategies);
  if (o.reloader !== undefined) out.reloader = reloaderOverride(o.reloader);
  const problems = labConfigProblems(out);
  if (problems.length > 0) {
    throw new UsageError(`the overrides conflict with the configuration: ${problems.map((p) => `${p.path.join('.')} ${p.message}`).join('; ')}`,
      'check the flags and environment variables against the config file');
  }
  return out;
}

/** Checks `--strategies` names: an unknown (or no) name is a UsageError (exit 2) listing every known one. */
function strategiesOverride(names: string[]): LabStrategyName[] {
  const known = `known strategies: ${LAB_STRATEGY_NAMES.join(', ')}`;
  const unknown = names.filter((n) => !(LAB_STRATEGY_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown strategy ${unknown.map((n) => JSON.stringify(n)).join(', ')} in --strategies`, known);
  }
  if (names.length === 0) throw new UsageError('--strategies names no strategy', known);
  return orderStrategies(names as LabStrategyName[]);
}

/** Checks `--reloader`: anything but `wave` or `stakater` is a UsageError (exit 2) listing both. */
function reloaderOverride(name: string): ReloaderName {
  if ((RELOADER_NAMES as readonly string[]).includes(name)) return name as ReloaderName;
  throw new UsageError(`unknown reloader ${JSON.stringify(name)} in --reloader`, `allowed: ${RELOADER_NAMES.join(', ')}`);
}
