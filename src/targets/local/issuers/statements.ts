import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` random characters from [A-Za-z0-9] (crypto RNG). */
export function randomAlnum(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/**
 * Vault's default Postgres username template:
 * `v-{{display_name|truncate 8}}-{{role|truncate 8}}-{{random 20}}-{{unix_time}}`, truncated to 63
 * (Postgres' identifier limit). The display name is `vaultctl`.
 */
export function generateUsername(roleName: string, wallClock: Date): string {
  const unix = Math.floor(wallClock.getTime() / 1000);
  return `v-vaultctl-${roleName.slice(0, 8)}-${randomAlnum(20)}-${unix}`.slice(0, 63);
}

/**
 * 20 characters like Vault's generated passwords (`A1a-` then random [A-Za-z0-9]): an upper, a lower,
 * a digit and a `-`, so typical password rules pass. Only characters that are safe inside SQL quotes.
 */
export function generatePassword(): string {
  return `A1a-${randomAlnum(16)}`;
}

/** A Postgres `timestamptz` literal in UTC, e.g. `2026-11-22 05:22:55.123+00`. */
export function formatExpiration(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '+00');
}

/** Values substituted into statement templates. */
export interface TemplateVars {
  name: string;
  password?: string;
  expiration?: string;
}

/** Renders Vault's templates: `{{name}}` (alias `{{username}}`), `{{password}}`, `{{expiration}}`. */
export function renderStatement(template: string, vars: TemplateVars): string {
  return template.replace(/\{\{\s*(name|username|password|expiration)\s*\}\}/g, (whole, key: string) => {
    const value = key === 'username' ? vars.name : vars[key as keyof TemplateVars];
    return value ?? whole;
  });
}

/** Quotes an identifier for SQL (`"a""b"`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Vault's default renew statement, used when a role defines none. */
export const VAULT_DEFAULT_RENEW = [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`];

/**
 * Vault's default revocation (plugins/database/postgresql, defaultDeleteUser), used when a role
 * defines none: revoke table, sequence and schema privileges and CONNECT, then drop the role.
 * Like Vault's, it does not end the role's open sessions.
 */
export function vaultDefaultRevocation(database: string): string[] {
  return [
    `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{name}}";`,
    `REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM "{{name}}";`,
    `REVOKE USAGE ON SCHEMA public FROM "{{name}}";`,
    `REVOKE CONNECT ON DATABASE ${quoteIdent(database)} FROM "{{name}}";`,
    `DROP ROLE IF EXISTS "{{name}}";`,
  ];
}

/**
 * Vault's default rotation statement of a Postgres static role (stack-facts §C "Static roles";
 * facts file §8: `ALTER ROLE … WITH PASSWORD`): the password changes in place, open sessions stay.
 */
export const VAULT_DEFAULT_ROTATION = [`ALTER ROLE "{{name}}" WITH PASSWORD '{{password}}';`];
