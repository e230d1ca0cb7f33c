import type { ConfigIssue } from '../errors/errors.js';
import { DELIVERY_STRATEGY_NAMES, deliveryStrategyOf, type DeliveryStrategyName } from './delivery-strategy.js';
import type { Locator } from './locate.js';

/*
 * One scenario, run once per delivery strategy (`rotate-test --strategy a,b,c`, issue 11): the
 * scenario's `strategies:` map holds each strategy's own delivery settings (its knobs, which the
 * other strategies refuse), and a variant is the scenario with `delivery.strategy` set and that
 * strategy's entry merged over `delivery`. The variant is validated like any scenario, so a
 * setting that does not fit a strategy is named with its place in the file.
 */

/** A scenario's raw map as run with one strategy, and where its merged keys came from. */
export interface StrategyVariant {
  raw: Record<string, unknown>;
  /** The strategy the variant runs (undefined: the scenario as written, without a `strategies:` entry). */
  strategy?: DeliveryStrategyName;
  /** The `delivery` keys that came from `strategies.<strategy>`. */
  fromEntry: readonly string[];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The variant of `raw` for `forced` (a `--strategy` name), or for the strategy the scenario names
 * (its `delivery.strategy`, or the one its `reload` stands for) when none is forced. `strategies`
 * stays, for the schema to check every entry, and is read nowhere else.
 */
export function strategyVariant(raw: Record<string, unknown>, forced?: DeliveryStrategyName): StrategyVariant {
  const strategies = raw.strategies;
  const delivery = isMap(raw.delivery) ? raw.delivery : {};
  const written = delivery.strategy;
  const name = forced ?? (typeof written === 'string' && (DELIVERY_STRATEGY_NAMES as readonly string[]).includes(written)
    ? written as DeliveryStrategyName
    : isMap(strategies) ? deliveryStrategyOf({ reload: delivery.reload === 'signal' ? 'signal' : 'restart' }) : undefined);
  const entry = name && isMap(strategies) && isMap(strategies[name]) ? strategies[name] : {};
  if (!forced && Object.keys(entry).length === 0) return { raw, fromEntry: [] };
  // A forced strategy replaces the written one; `reload` and `refreshInterval` stay only when they fit it
  // (the validator names them otherwise).
  const merged = { ...delivery, ...entry, ...(forced ? { strategy: forced } : {}) };
  return { raw: { ...raw, delivery: merged }, strategy: name, fromEntry: Object.keys(entry) };
}

/**
 * Points issues about merged keys at `strategies.<name>.<key>`, where the user wrote them, and
 * says which strategy a forced variant ran as.
 */
export function locateVariantIssues(issues: ConfigIssue[], v: StrategyVariant, locate: Locator, forced: boolean): ConfigIssue[] {
  return issues.map((issue) => {
    const key = mergedFrom(v, issue.path);
    const moved = key && v.strategy
      ? { ...locate.value(['strategies', v.strategy, key]), path: issue.path.replace(/^delivery/, `strategies.${v.strategy}`) }
      : {};
    // A key of the strategy's own entry is named by its path; anything else by the strategy it ran as.
    const message = forced && v.strategy && !key && !issue.path.startsWith('strategies.')
      ? `${issue.message} (as --strategy ${v.strategy})` : issue.message;
    return { ...issue, ...moved, message };
  });
}

/** The `strategies.<name>` key an issue's `delivery.<key>` path came from, if it was merged. */
export function mergedFrom(v: StrategyVariant, path: string): string | undefined {
  return v.fromEntry.find((k) => path === `delivery.${k}` || path.startsWith(`delivery.${k}.`) || path.startsWith(`delivery.${k}[`));
}

/**
 * Parses a `--strategy` value: names separated by commas, or `all` (every strategy the target
 * runs, in the table's order). Returns the names, or the unknown ones.
 */
export function parseStrategyList(value: string, implemented: readonly DeliveryStrategyName[]):
  { ok: true; names: DeliveryStrategyName[] } | { ok: false; unknown: string[] } {
  const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 1 && parts[0] === 'all') return { ok: true, names: [...implemented] };
  const unknown = parts.filter((p) => !(DELIVERY_STRATEGY_NAMES as readonly string[]).includes(p));
  if (unknown.length > 0 || parts.length === 0) return { ok: false, unknown: parts.length === 0 ? [value] : unknown };
  return { ok: true, names: [...new Set(parts as DeliveryStrategyName[])] };
}
