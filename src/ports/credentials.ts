/** Live database credentials. `password` never goes into events, logs or files. */
export interface Credentials {
  leaseId: string;
  username: string;
  password: string;
  /** Monotonic ms (run clock) when issued. */
  issuedAt: number;
  /** Lease duration granted, in ms. */
  ttlMs: number;
}

/**
 * Issues and revokes dynamic database credentials (the `credentials.issuer` of a scenario).
 * `direct` runs Vault-style SQL itself; `vault` asks a real Vault.
 */
export interface CredentialIssuer {
  readonly name: 'direct' | 'vault';
  /** Prepares the issuer (e.g. configures Vault's database engine). Idempotent. */
  setup(): Promise<void>;
  issue(): Promise<Credentials>;
  /** Extends a lease, capped by maxTtl. Returns the new TTL in ms. */
  renew(leaseId: string, incrementMs: number): Promise<number>;
  /** Revokes now: terminate sessions, revoke grants, drop the role. Unknown leases are ignored. */
  revoke(leaseId: string): Promise<void>;
  /** Lease ids issued and not yet revoked or expired. */
  outstanding(): string[];
  /** Called with a lease id when the issuer itself ends a lease at its TTL (Vault's expiry). */
  onExpired(listener: (leaseId: string) => void): void;
  /** Revokes every outstanding lease this issuer created and releases its resources. */
  close(): Promise<void>;
  /**
   * A database static role (Vault `database/static-roles/:name`, facts file §8): the one database
   * user, created on the first call, and its current password. Static credentials have no lease:
   * `leaseId` names the static role, is in `outstanding()` until `revoke(leaseId)` or `close()` drops
   * the user. Absent: the issuer has no static roles.
   */
  staticCredentials?(): Promise<Credentials>;
  /** Rotates the static role's password in place (same username); the old one fails new logins at once. */
  rotateStatic?(): Promise<Credentials>;
  /**
   * strategy `direct`: a lease the app created through this issuer's Vault with `ttlMs` left (again
   * after each renewal). Tracked like the issuer's own: `onExpired` at its end, revoked by `close()`.
   * Absent: the issuer cannot reach leases it did not create (the direct issuer).
   */
  adopt?(leaseId: string, ttlMs: number): void;
  /** strategy `direct`: the app revoked a lease it created; stop tracking it. */
  release?(leaseId: string): void;
}
