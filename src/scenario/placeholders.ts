import type { PathIssue } from './path-issue.js';

/**
 * Placeholders a user's workload may use in `workload.command` and `workload.env` values, so a
 * third-party server gets its port and database without a shell wrapper. Filled in per replica.
 */
export const PLACEHOLDERS = {
  port: 'the port this replica must listen on (also $PORT)',
  host: 'the address it must listen on, 127.0.0.1 (also $HOST)',
  databaseUrl: 'postgres://user:password@host:port/database with the replica\'s credentials (also $DATABASE_URL; without user and password when delivery.via is file)',
  credentialsFile: 'the JSON file {"username","password"} that delivery.via: file renders (also $CREDENTIALS_FILE)',
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

const PATTERN = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/** Replaces every `{{name}}` in `text`; names are checked at load time, so an unknown one stays as written. */
export function fillPlaceholders(text: string, values: Readonly<Record<PlaceholderName, string>>): string {
  return text.replace(PATTERN, (whole, name: string) => (name in values ? values[name as PlaceholderName] : whole));
}

/** The placeholders used in one string. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PATTERN)].map((m) => m[1]);
}

/**
 * Unknown placeholders in `workload.command` and `workload.env` values (raw file object), and
 * `{{credentialsFile}}` without `delivery.via: file` (there is no file to point at).
 */
export function placeholderIssues(workload: Record<string, unknown>, via: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const check = (text: unknown, path: (string | number)[]) => {
    if (typeof text !== 'string') return;
    for (const name of placeholdersIn(text)) {
      if (!(name in PLACEHOLDERS)) {
        issues.push({ path, message: `unknown placeholder {{${name}}}; known: ${Object.keys(PLACEHOLDERS).map((n) => `{{${n}}}`).join(', ')}` });
      } else if (name === 'credentialsFile' && via !== 'file') {
        issues.push({ path, message: '{{credentialsFile}} needs delivery.via: file (with via: env there is no credentials file)' });
      }
    }
  };
  if (Array.isArray(workload.command)) workload.command.forEach((arg, i) => check(arg, ['workload', 'command', i]));
  const env = workload.env;
  if (env && typeof env === 'object' && !Array.isArray(env)) {
    for (const [key, value] of Object.entries(env)) check(value, ['workload', 'env', key]);
  }
  return issues;
}
