import { ConfigError, UsageError } from '../errors/errors.js';
import type { Scenario } from '../scenario/model.js';
import { DELIVERY_STRATEGY_NAMES, IMPLEMENTED_STRATEGIES, type DeliveryStrategyName } from '../scenario/delivery-strategy.js';
import { parseStrategyList } from '../scenario/strategy-variant.js';

/*
 * `rotate-test FILE --strategy a,b,c|all` (issue 11): the same scenario (same load, rotations and
 * workload) once per delivery strategy, each with its `strategies:` entry, so that their failures
 * can be compared side by side.
 */

/** One run of a strategy comparison: the scenario as that strategy runs it. */
export interface StrategyRun {
  scenario: Scenario;
  strategy: DeliveryStrategyName;
}

/** A strategy `all` leaves out here, and why. */
export interface SkippedStrategy {
  strategy: DeliveryStrategyName;
  reason: string;
}

/** Loads one scenario file as one delivery strategy (the loader's `strategy` option). */
export type LoadVariant = (file: string, strategy: DeliveryStrategyName) => Promise<Scenario>;

/**
 * The runs of `--strategy value` over one scenario file (already loaded as written, `base`).
 * `all` is every strategy the scenario's target runs, except `direct` when the scenario's issuer
 * is not Vault (direct is an app that speaks to Vault itself): it is skipped, with the reason.
 * Named strategies are run as asked; one that cannot run is refused by the validator. Every
 * variant's issues are collected into one ConfigError, so nothing runs before all are valid.
 */
export async function strategyRuns(file: string, base: Scenario, value: string, load: LoadVariant):
  Promise<{ runs: StrategyRun[]; skipped: SkippedStrategy[] }> {
  const implemented = IMPLEMENTED_STRATEGIES[base.target];
  const parsed = parseStrategyList(value, implemented);
  if (!parsed.ok) {
    throw new UsageError(`unknown strategy ${parsed.unknown.map((u) => `"${u}"`).join(', ')} in --strategy`,
      `use "all" or a comma-separated list of: ${DELIVERY_STRATEGY_NAMES.join(', ')}`);
  }
  const skipped: SkippedStrategy[] = [];
  const names = parsed.names.filter((name) => {
    if (value.trim() !== 'all' || name !== 'direct' || base.credentials.issuer === 'vault') return true;
    skipped.push({ strategy: name, reason: 'the app speaks to Vault itself: run the scenario with credentials.issuer: vault ' +
      '(VAULT_ADDR and VAULT_TOKEN, e.g. `vault server -dev`) to include it' });
    return false;
  });
  const runs: StrategyRun[] = [];
  const issues: ConfigError['issues'] = [];
  for (const strategy of names) {
    try {
      runs.push({ strategy, scenario: await load(file, strategy) });
    } catch (err) {
      if (err instanceof ConfigError) issues.push(...err.issues);
      else throw err;
    }
  }
  if (issues.length > 0) {
    throw new ConfigError(issues, 'each strategy runs with its `strategies.<name>` entry merged over `delivery`; ' +
      'fix or add that entry, or leave the strategy out of --strategy');
  }
  return { runs, skipped };
}
