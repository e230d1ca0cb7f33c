/**
 * The demo app's log lines, as log-cursor.ts hands them on without their kubelet timestamp: one
 * JSON object per line, `{"ts","event","pid",...fields}` (src/demo-app/server.ts `log()`).
 */

/** What the app-log watch acts on; every other event (listening, ready, draining, exit...) is ignored. */
export type AppLogEvent =
  | { event: 'reloaded'; username: string }
  | { event: 'reload_failed'; message: string };

/** The app's event in one log line, or undefined for any other line (not JSON, another event). */
export function parseAppLine(text: string): AppLogEvent | undefined {
  if (!text.startsWith('{')) return undefined;
  let o: { event?: unknown; username?: unknown; message?: unknown };
  try {
    o = JSON.parse(text) as typeof o;
  } catch {
    return undefined;
  }
  if (o.event === 'reloaded' && typeof o.username === 'string') return { event: 'reloaded', username: o.username };
  if (o.event === 'reload_failed') return { event: 'reload_failed', message: withheldInput(typeof o.message === 'string' ? o.message : '') };
  return undefined;
}

/**
 * A reload fails when the credentials file does not parse; V8's JSON.parse message quotes the
 * input (`Unexpected token 'x', "{"username":..." is not valid JSON`), which holds the password.
 */
function withheldInput(message: string): string {
  return message.replace(/, ".*" is not valid JSON/s, ', (input withheld) is not valid JSON');
}
