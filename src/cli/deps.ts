import type { RotateTestDeps } from '../app/rotate-test.js';

/** Everything the commands need from outside the process; built by main.ts, faked in tests. */
export interface CliDeps {
  rotateTest: RotateTestDeps;
  version: string;
}
