import type { Scenario } from '../scenario/model.js';

/** How a run ended, as run.json records it (`running`: its last checkpoint, the run was killed or still goes). */
export type RunStatus = 'completed' | 'interrupted' | 'failed' | 'running';

/** What a reader found in events.ndjson (results-dir.ts fills it in; a run in memory has it all). */
export interface EventLogState {
  /** The file exists. */
  present: boolean;
  /** 1-based number of a torn last line that was skipped (a crash mid-write); absent when every line parsed. */
  tornLine?: number;
  /** A `run_finished` event is in the log: the run got as far as writing its end. */
  finished: boolean;
}

/**
 * Why a run's data is not whole, for the verdict: `interrupted` (SIGINT/SIGTERM) or `incomplete`
 * (killed, failed, files missing or truncated), with one reason per gap.
 */
export interface Incompleteness {
  kind: 'interrupted' | 'incomplete';
  reasons: string[];
}

/**
 * The gaps of a run from its status and its event log; undefined when the run completed and
 * its log is whole. `error` is run.json's (already redacted) error of a failed run.
 */
export function findIncompleteness(status: RunStatus, log: EventLogState, error?: string): Incompleteness | undefined {
  const reasons: string[] = [];
  if (status === 'running') reasons.push('status running: the run was killed or is still going (run.json is its last checkpoint)');
  else if (status === 'interrupted') reasons.push('status interrupted: the run was stopped by a signal before its end');
  else if (status === 'failed') reasons.push(`status failed${error ? `: ${error}` : ': an error ended the run'}`);
  else if (status !== 'completed') reasons.push(`unknown status ${JSON.stringify(status)}`);
  if (!log.present) {
    reasons.push('events.ndjson is missing: rollouts, rotations and leases are unknown');
  } else {
    if (log.tornLine !== undefined) reasons.push(`events.ndjson is truncated: line ${log.tornLine} is not valid JSON (skipped)`);
    if (!log.finished) reasons.push('events.ndjson has no run_finished event: the log stops before the run ended');
  }
  if (reasons.length === 0) return undefined;
  return { kind: status === 'interrupted' ? 'interrupted' : 'incomplete', reasons };
}

/** The lab strategies whose new credentials roll the Deployment (kubernetes target). */
const ROLLING_ON_KUBERNETES: readonly string[] = ['secret-sync-restart', 'vso'];

/**
 * Whether a scenario must produce rollouts: it rotates during the measured load (a refresh
 * interval shorter than the load, or `rotations.at` offsets) and its deliveries roll the
 * workload (on the kubernetes target Wave rolls on every Secret change and VSO on every sync, while
 * the agent and the CSI driver reload in place; locally `reload: restart`). `reload: signal` and
 * `none` never roll. Tolerates partial scenarios of old run files.
 */
export function expectsRollouts(s: Pick<Scenario, 'target'> & {
  delivery?: Partial<Scenario['delivery']>; rotations?: Partial<Scenario['rotations']>; load?: Partial<Scenario['load']>;
}): boolean {
  const every = s.delivery?.refreshIntervalMs ?? 0;
  const duration = s.load?.durationMs ?? Infinity;
  const at = (s.rotations?.atMs ?? []).filter((ms) => ms < duration);
  const rotates = (every > 0 && every < duration) || at.length > 0;
  const rolls = s.target === 'kubernetes' ? ROLLING_ON_KUBERNETES.includes(s.delivery?.strategy ?? 'secret-sync-restart')
    : s.target === 'local' && s.delivery?.reload === 'restart';
  return rotates && rolls;
}
