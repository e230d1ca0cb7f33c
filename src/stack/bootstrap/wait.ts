import { ExternalError } from '../../errors/errors.js';
import type { CheckResult } from '../tools/kubectl.js';
import type { StackContext } from './context.js';

/** One attempt of a wait: ready, or not yet with what was seen (command and output for the error). */
export type Attempt = { ready: true } | { ready: false; command?: string; output?: string };

/** "every 2s, up to 5m": a wait's interval and timeout, stated in its step title. */
export function cadence(intervalMs: number, timeoutMs: number): string {
  return `every ${human(intervalMs)}, up to ${human(timeoutMs)}`;
}

/** The seconds one kubectl attempt may block (`--timeout=<n>s`), at least 1. */
export function attemptSeconds(ctx: StackContext): number {
  return Math.max(1, Math.round(ctx.cfg.waits.intervalMs / 1000));
}

/**
 * Polls `attempt` every `waits.intervalMs` until it is ready or `waits.timeoutMs` passed (ESO's
 * PollUntilContextTimeout). The timeout error carries the last attempt's command and output.
 */
export async function pollUntil(ctx: StackContext, what: string, attempt: () => Promise<Attempt>): Promise<void> {
  const { intervalMs, timeoutMs } = ctx.cfg.waits;
  const deadline = ctx.io.now() + timeoutMs;
  for (;;) {
    const r = await attempt();
    if (r.ready) return;
    if (ctx.io.now() + intervalMs > deadline) {
      throw new ExternalError(`${what} was not ready after ${human(timeoutMs)}`, {
        command: r.command, output: r.output ? ctx.secrets.redact(r.output) : undefined,
        hint: 'the logs and events above show why; raise waits.timeout in vaultctl.yaml on a slow machine',
      });
    }
    await ctx.io.sleep(intervalMs, ctx.signal);
  }
}

/** An attempt from a kubectl check (exit 0 = ready). */
export function fromCheck(r: CheckResult): Attempt {
  return r.exitCode === 0 ? { ready: true } : { ready: false, command: r.command, output: `${r.stderr}\n${r.stdout}`.trim() };
}

/** 2000 → "2s", 300000 → "5m", 90000 → "90s". */
export function human(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
