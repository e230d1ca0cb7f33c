import type { LoadSummary } from '../ports/load.js';
import type { ReplicaCounts } from '../ports/replica-counts.js';

export type { ReplicaCounts };

/** Times of a run on the run clock, and what the load generator counted (every target). */
export interface TargetRunResult {
  loadStartMs: number;
  measureFromMs: number;
  measureToMs: number;
  load?: LoadSummary;
  interrupted: boolean;
}

/** What a target tells the caller (live view, checkpoints, threshold watch) when the load starts. */
export interface LoadStartInfo {
  /** Replica counts now; undefined while unknown. */
  counts(): ReplicaCounts | undefined;
  measureFromMs: number;
  endMs: number;
}

/** Hooks the caller may observe; the same for every target. */
export interface TargetRunHooks {
  onLoadStart?(info: LoadStartInfo): void;
}
