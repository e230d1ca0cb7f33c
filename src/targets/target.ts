import type { LoadGenerator } from '../ports/load.js';
import type { Scenario } from '../scenario/model.js';
import type { SecretRegistry } from '../errors/redact.js';
import type { EventSink, RotationTrigger } from '../ports/events.js';
import type { ReplicaCounts } from '../ports/replica-counts.js';
import type { Reporter } from '../ports/reporter.js';
import type { CleanupStack } from '../runtime/cleanup-stack.js';

/** What every target gets from the run; the same for local and kubernetes. */
export interface TargetContext {
  scenario: Scenario;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves relative paths the environment names (`$VAULTCTL_CONFIG`). */
  cwd: string;
  secrets: SecretRegistry;
  events: EventSink;
  reporter: Reporter;
  /** Run clock: monotonic ms since the run started. */
  now(): number;
  wallClock(): Date;
  /** Ctrl-C, or a threshold that aborts the run. */
  signal: AbortSignal;
  /** Whatever a target starts is undone through it; the run empties it on every exit path. */
  cleanup: CleanupStack;
  /** Keeps a replica's output (stdout and stderr chunks) with the run's results: `replicas/<id>.log`. */
  replicaOutput(replica: string, chunk: string): void;
}

/**
 * Where a scenario runs and how rotations reach it. The engine ({@link runTarget}) goes
 * prepare → start the workload → load, with rotations triggered on schedule → finish;
 * everything else (recording, analysis, reports, thresholds, UI) does not know the target.
 */
export interface Target {
  /** Stands up what the run stands on: database, issuer and Service locally; the lab and the scenario's settings on a cluster. */
  prepare(ctx: TargetContext): Promise<PreparedTarget>;
}

/** A target that is ready to run its workload. */
export interface PreparedTarget {
  /** Starts the workload (or waits for it to settle) and starts observing its rollouts. */
  startWorkload(): Promise<RunningWorkload>;
}

/** One rotation the target will carry out, at a time on the run clock. */
export interface PlannedRotation {
  atMs: number;
  trigger: RotationTrigger;
  /** Carries it out; a rejection is recorded as `rotation_failed`. */
  run(): Promise<unknown>;
}

/** The workload under load: where requests go, how its replicas stand, what rotates it. */
export interface RunningWorkload {
  /** Where the load goes. */
  url: string;
  /** Stops steps and the load: the run's signal, or the target's own reason to end (a dead database). */
  signal: AbortSignal;
  /** Replica counts for the live view; undefined while unknown. */
  counts(): ReplicaCounts | undefined;
  /** The rotations of the shared schedule this target triggers, for a measured range starting at `measureFromMs`. */
  rotations(measureFromMs: number): PlannedRotation[];
  /** After the load: rollouts in progress finish (unless interrupted) and are accounted for. */
  finish(interrupted: boolean): Promise<void>;
  /** The error the run ends with when `err` ended it: the target's own cause if it has one (a dead database). */
  cause(err: unknown): Promise<unknown>;
  /** The target's own load generator (load workers it starts, issue 13); absent: the run's in-process one. */
  load?: LoadGenerator;
}

/** Every target by the name a scenario's `target:` gives; built in the composition root. */
export type TargetRegistry = Readonly<Record<Scenario['target'], Target>>;
