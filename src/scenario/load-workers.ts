/** `auto` load workers never exceed this: past it the merging process, not the sending, is the limit. */
export const MAX_AUTO_WORKERS = 8;

/**
 * How many load workers a run starts for `load.workers` (issue 13): the number as written, or for
 * `auto` one per core but one (the core left runs vaultctl, which only merges), at least 1. `rate:
 * max` is a closed loop in vaultctl's own process: `auto` means none there (a number is refused
 * when the scenario is read).
 */
export function loadWorkerCount(spec: number | 'auto', cores: number, rate: number | 'max' = 1): number {
  if (spec !== 'auto') return spec;
  if (rate === 'max') return 0;
  return Math.min(MAX_AUTO_WORKERS, Math.max(1, cores - 1));
}
