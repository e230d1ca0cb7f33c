import type { RotateTestDeps } from '../app/rotate-test.js';
import type { BootstrapDeps } from '../app/bootstrap.js';

/** Everything the commands need from outside the process; built by main.ts, faked in tests. */
export interface CliDeps {
  rotateTest: RotateTestDeps;
  /** bootstrap, teardown and doctor. */
  stack: BootstrapDeps;
  version: string;
}
