import type { Component, StackContext } from './context.js';

/**
 * One idempotent bootstrap step (kind's `actions.Action`): its title names what it does (waits
 * state their interval and timeout), `run` returns a short detail for the ✓ line.
 */
export interface Step {
  title(ctx: StackContext): string;
  /** Whose logs and events to print when the step fails. */
  component: Component;
  run(ctx: StackContext): Promise<string | void>;
}
