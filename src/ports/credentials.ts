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
}
