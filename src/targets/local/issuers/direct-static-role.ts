import type { SecretRegistry } from '../../../errors/redact.js';
import type { Credentials } from '../../../ports/credentials.js';
import type { Clock } from '../../../runtime/runtime.js';
import type { Scenario } from '../../../scenario/model.js';
import { VAULT_DEFAULT_ROTATION, generatePassword, randomAlnum, type TemplateVars } from './statements.js';

/** What the direct issuer lends its static role: its serialized, transactional SQL runner. */
export interface StaticRoleDeps {
  role: Scenario['database']['role'];
  clock: Clock;
  secrets: SecretRegistry;
  /** Runs the statements in one transaction (rendered with `vars`); throws a redacted ExternalError. */
  run(statements: string[], vars: TemplateVars, what: string): Promise<void>;
}

/** The direct issuer's static role: one database user, its password rotated in place. */
export interface DirectStaticRole {
  /** The static role's id (`database/static-creds/<role>`): not a lease, a name for events and cleanup. */
  readonly id: string;
  /** Whether the user exists (then it is outstanding until dropped). */
  exists(): boolean;
  credentials(): Promise<Credentials>;
  rotate(): Promise<Credentials>;
  /** Runs `revocation` for the user (drops it); the role can be created again afterwards. */
  drop(revocation: string[]): Promise<void>;
}

/**
 * A database static role run as Vault's would be (facts file §8, stack-facts §C): the user is
 * created once with the scenario's creation statements (VALID UNTIL 'infinity': a static user does
 * not expire), and each rotation runs Vault's default `ALTER ROLE … WITH PASSWORD`. Vault also
 * rotates at creation; here the creation password is the first one. Static creds have no lease.
 * Called inside the issuer's serial chain.
 */
export function directStaticRole(deps: StaticRoleDeps): DirectStaticRole {
  const id = `database/static-creds/${deps.role.name}`;
  let user: { username: string; password: string; rotatedAt: number } | undefined;
  const creds = (u: NonNullable<typeof user>): Credentials =>
    ({ leaseId: id, username: u.username, password: u.password, issuedAt: u.rotatedAt, ttlMs: 0 });
  const fresh = () => {
    const password = generatePassword();
    deps.secrets.add(password);
    return password;
  };

  return {
    id,
    exists: () => user !== undefined,
    async credentials() {
      if (user) return creds(user);
      // A static role names an existing user; vaultctl makes it once (Vault's template has no `static`).
      const username = `v-vaultctl-static-${deps.role.name.slice(0, 8)}-${randomAlnum(12)}`;
      const password = fresh();
      await deps.run(deps.role.creationStatements, { name: username, password, expiration: 'infinity' }, `creating static role user for ${id}`);
      user = { username, password, rotatedAt: deps.clock.now() };
      return creds(user);
    },
    async rotate() {
      if (!user) throw new Error(`static role ${id} has no user yet`);
      const password = fresh();
      await deps.run(VAULT_DEFAULT_ROTATION, { name: user.username, password }, `rotating the password of ${id}`);
      user = { ...user, password, rotatedAt: deps.clock.now() };
      return creds(user);
    },
    async drop(revocation) {
      if (!user) return;
      await deps.run(revocation, { name: user.username }, `dropping static role user of ${id}`);
      user = undefined;
    },
  };
}
