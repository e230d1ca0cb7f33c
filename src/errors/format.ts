import { ConfigError, ExternalError, VaultctlError } from './errors.js';
import type { SecretRegistry } from './redact.js';

/** Renders an error for stderr: message, hint, failed command output; stack only with debug. */
export function formatError(err: unknown, opts: { debug: boolean; secrets: SecretRegistry }): string {
  const lines: string[] = [];
  if (err instanceof VaultctlError) {
    // ConfigError already lists every issue in its message.
    lines.push(`error: ${err.message}`);
    if (err instanceof ExternalError) {
      if (err.command) lines.push(`  command: ${err.command}`);
      if (err.output) lines.push('  output:', ...err.output.trimEnd().split('\n').map((l) => `    ${l}`));
    }
    if (err.hint) lines.push(`  hint: ${err.hint}`);
    if (opts.debug && err.stack && !(err instanceof ConfigError)) lines.push(err.stack);
  } else {
    const e = err instanceof Error ? err : new Error(String(err));
    lines.push(`error: unexpected: ${e.message}`);
    lines.push(opts.debug && e.stack ? e.stack : '  hint: this is a bug in vaultctl; re-run with --debug for a stack trace and report it');
  }
  return opts.secrets.redact(lines.join('\n')) + '\n';
}
