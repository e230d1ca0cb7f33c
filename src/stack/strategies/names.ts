/*
 * The lab strategies' names, apart from lab-strategy.ts so that the config model
 * (stack-config.ts) can name them without an import cycle (lab-strategy.ts takes a StackConfig).
 */

/** The strategies a lab can hold, in the order bootstrap installs them. */
export const LAB_STRATEGY_NAMES = ['secret-sync-restart', 'vso', 'agent-template', 'csi'] as const;
export type LabStrategyName = (typeof LAB_STRATEGY_NAMES)[number];
