import type { Reporter } from '../ports/reporter.js';
import type { SecretRegistry } from '../errors/redact.js';
import { InterruptedError } from '../errors/errors.js';

/** What a reported step needs from a target's run context. */
export interface StepContext {
  reporter: Reporter;
  secrets: SecretRegistry;
  signal: AbortSignal;
}

/**
 * Runs `fn` as a reported step: ✓ on success, ✗ with the first line of the (redacted) message on
 * failure. A run already interrupted does not start another step.
 */
export async function step<T>(ctx: StepContext, title: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> {
  if (ctx.signal.aborted) throw new InterruptedError('a signal');
  const s = ctx.reporter.step(title);
  try {
    const v = await fn();
    s.done(detail?.(v));
    return v;
  } catch (err) {
    s.fail(err instanceof Error ? ctx.secrets.redact(err.message.split('\n')[0]) : undefined);
    throw err;
  }
}
