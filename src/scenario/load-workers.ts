/** `auto` load workers never exceed this: past it the merging process, not the sending, is the limit. */
export const MAX_AUTO_WORKERS = 8;

/**
 * How many load workers a run starts for `load.workers` (issue 13): the number as written, or for
 * `auto` half the cores beyond two: two cores are left to vaultctl (it still merges and, locally,
 * runs the Service proxy) and the rest are shared with the workload. Measured on two cores (npm run
 * bench:workers): a worker there costs as much CPU as it saves vaultctl, the replicas and Postgres
 * set the ceiling either way (2000 req/s both), and the worker's competition added resets, so
 * `auto` is 0 on two cores. `rate: max` is a closed loop in vaultctl's own process: `auto` is 0
 * there too (a number is refused when the scenario is read).
 */
export function loadWorkerCount(spec: number | 'auto', cores: number, rate: number | 'max' = 1): number {
  if (spec !== 'auto') return spec;
  if (rate === 'max') return 0;
  return Math.min(MAX_AUTO_WORKERS, Math.max(0, Math.floor((cores - 2) / 2)));
}
