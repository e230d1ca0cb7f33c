/*
 * The lab strategies' names, apart from lab-strategy.ts so that the config model
 * (stack-config.ts) can name them without an import cycle (lab-strategy.ts takes a StackConfig).
 */

/** The strategies a lab can hold, in the order bootstrap installs them. */
export const LAB_STRATEGY_NAMES = ['secret-sync-restart', 'vso', 'agent-template', 'csi'] as const;
export type LabStrategyName = (typeof LAB_STRATEGY_NAMES)[number];

/**
 * The Vault database role a strategy's copy of the demo app reads: the base lab's `cfg.vault.role`
 * for secret-sync-restart, `<role>-<strategy>` for the others. One role per strategy keeps a run's
 * TTL changes (rotate-test sets the role's default_ttl/max_ttl) and its lease count (leases under
 * `<mount>/creds/<role>/`) to the strategy it measures: leases carry no namespace, so only the role
 * path tells whose they are.
 */
export function labDatabaseRole(baseRole: string, strategy: LabStrategyName): string {
  return strategy === 'secret-sync-restart' ? baseRole : `${baseRole}-${strategy}`;
}

/** Every strategy's database role: the connection's `allowed_roles`, so any strategy added later may issue. */
export function allLabDatabaseRoles(baseRole: string): string[] {
  return LAB_STRATEGY_NAMES.map((s) => labDatabaseRole(baseRole, s));
}
