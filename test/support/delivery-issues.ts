import { expect } from 'vitest';
import { ConfigError } from '../../src/errors/errors.js';
import { ExitCode } from '../../src/errors/exit-codes.js';
import { parseScenario } from '../../src/scenario/loader.js';
import type { Scenario } from '../../src/scenario/model.js';

/*
 * A minimal scenario around a `delivery:` block, for the tests of delivery strategies' keys and rules.
 */
const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: s}\nload: {duration: 10s}\n';

/** Parses a scenario whose `delivery:` block is `delivery` (indented lines) after `extra` top-level YAML. */
export const parseDelivery = (delivery: string, extra = ''): Scenario =>
  parseScenario(`${HEAD}${extra}delivery:\n${delivery}`, 's.yaml');

/** The issues (`line:col path: message`) of a scenario that must be invalid (exit 104). */
export function deliveryIssues(delivery: string, extra = ''): string[] {
  try {
    parseDelivery(delivery, extra);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(ExitCode.InvalidConfig);
    return (err as ConfigError).issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`);
  }
  throw new Error('the scenario loaded but should be invalid');
}
