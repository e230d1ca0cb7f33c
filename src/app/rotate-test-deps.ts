import type { LoadGenerator } from '../ports/load.js';
import type { TargetRegistry } from '../targets/target.js';

/** What rotate-test needs besides the Runtime; built in cli/main.ts (the composition root). */
export interface RotateTestDeps {
  /** Every target by name: a scenario's `target:` picks one. */
  targets: TargetRegistry;
  /** Sends the scenario's load (open model, or autocannon for `rate: max`), whatever the target. */
  load: LoadGenerator;
  version: string;
}
