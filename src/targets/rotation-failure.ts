import type { Reporter } from '../ports/reporter.js';
import type { SecretRegistry } from '../errors/redact.js';
import type { EventSink, RotationTrigger } from '../ports/events.js';

/** What recording a failed rotation needs, whatever the target. */
export interface RotationFailureContext {
  events: EventSink;
  reporter: Reporter;
  secrets: SecretRegistry;
  now(): number;
}

/**
 * Records a rotation that could not be carried out (the issuer, Vault, the cluster or a rollout
 * refused it): a `rotation_failed` event with the redacted message, and a progress line that
 * names the rotation by its offset into the measured load, as the scenario and the table do.
 */
export function recordRotationFailure(ctx: RotationFailureContext, trigger: RotationTrigger, triggeredAt: number,
  originMs: number, err: unknown): void {
  const message = ctx.secrets.redact(err instanceof Error ? err.message : String(err));
  ctx.events.emit({ t: ctx.now(), type: 'rotation_failed', trigger, message, triggeredAt });
  ctx.reporter.info(`  ! rotation at ${(Math.max(0, triggeredAt - originMs) / 1000).toFixed(1)}s (${trigger}) failed: ${message.split('\n')[0]}`);
}
