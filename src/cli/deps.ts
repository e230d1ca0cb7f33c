import type { BootstrapDeps } from '../app/bootstrap.js';
import type { LoadGenerator } from '../ports/load.js';
import type { TargetDeps } from './targets.js';

/** Everything the commands need from outside the process; built by main.ts, faked in tests. */
export interface CliDeps {
  /** What each target stands on; rotate-test builds the registry of targets from it. */
  targets: TargetDeps;
  /** The load generator every target's load goes through. */
  load: LoadGenerator;
  /** bootstrap, teardown and doctor. */
  stack: BootstrapDeps;
  version: string;
}
