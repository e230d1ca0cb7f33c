import type { PostgresServer, SqlConnector } from '../../ports/postgres.js';
import type { VaultApi } from '../../ports/vault.js';
import type { SecretRegistry } from '../../errors/redact.js';

/** A Vault the local target can use, and how to let go of it. */
export interface VaultEndpoint {
  endpoint: string;
  token: string;
  stop(): Promise<void>;
}

/** What the local target needs from outside the process; wired in cli/main.ts. */
export interface LocalTargetDeps {
  createPostgres(opts: { log: (line: string) => void; secrets: SecretRegistry }): PostgresServer;
  connectSql: SqlConnector;
  resolveVault(env: Readonly<Record<string, string | undefined>>, secrets: SecretRegistry): Promise<VaultEndpoint>;
  createVaultApi(opts: { endpoint: string; token: string }): VaultApi;
  /** argv that starts one replica of the demo app. */
  demoAppCommand(): string[];
}
