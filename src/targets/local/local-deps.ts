import type { PostgresServer, SqlConnector } from '../../ports/postgres.js';
import type { VaultApi } from '../../ports/vault.js';
import type { SecretRegistry } from '../../errors/redact.js';
import type { ProcessSpawner } from '../../ports/process-spawner.js';
import type { RunLedger } from '../../runtime/run-ledger.js';
import type { LoadGenerator, ServiceEndpoints } from '../../ports/load.js';

/** A Vault the local target can use, and how to let go of it. */
export interface VaultEndpoint {
  endpoint: string;
  token: string;
  stop(): Promise<void>;
}

/** What the local target needs from outside the process; wired in cli/main.ts. */
export interface LocalTargetDeps {
  /**
   * Cleans up after dead vaultctl runs whose ledgers sit beside `ledger` (their processes,
   * embedded Postgres, temp dirs and files); logs one line per run, returns how many.
   */
  reapLeftovers(ledger: RunLedger, log: (line: string) => void): Promise<number>;
  /** Starts child processes, each recorded in `ledger` before it starts. */
  spawner(ledger: RunLedger): ProcessSpawner;
  createPostgres(opts: { log: (line: string) => void; secrets: SecretRegistry; ledger: RunLedger; spawner: ProcessSpawner;
    /** Server settings (postgresql.conf names): how it logs, so its errors can be read. */
    settings?: Readonly<Record<string, string>>; }): PostgresServer;
  connectSql: SqlConnector;
  resolveVault(env: Readonly<Record<string, string | undefined>>, secrets: SecretRegistry, spawner: ProcessSpawner): Promise<VaultEndpoint>;
  createVaultApi(opts: { endpoint: string; token: string }): VaultApi;
  /** argv that starts one replica of the demo app. */
  demoAppCommand(): string[];
  /** Load sent by `workers` worker processes started with `spawner` (issue 13). */
  loadWorkers(o: { spawner: ProcessSpawner; workers: number; endpoints?: ServiceEndpoints }): LoadGenerator;
}
