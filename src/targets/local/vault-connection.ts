import { PrerequisiteError, UsageError } from '../../errors/errors.js';
import type { SecretRegistry } from '../../errors/redact.js';
import type { VaultDevServer } from '../../ports/vault.js';

/** A Vault the local target talks to, and how to let go of it. */
export interface VaultConnection {
  endpoint: string;
  token: string;
  /** 'env' = VAULT_ADDR/VAULT_TOKEN (left running); 'dev-server' = started by vaultctl. */
  source: 'env' | 'dev-server';
  /** Stops a dev server vaultctl started; does nothing for a Vault from the environment. */
  stop(): Promise<void>;
}

/** What {@link resolveVault} needs from outside; fakes in tests, adapters in cli/main.ts. */
export interface ResolveVaultDeps {
  which(bin: string): Promise<string | undefined>;
  startDevServer(binary: string, signal?: AbortSignal): Promise<VaultDevServer>;
  /** Receives VAULT_TOKEN or the dev server's root token. */
  secrets?: SecretRegistry;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

const INSTALL_HINT =
  'install Vault (https://developer.hashicorp.com/vault/install) so vaultctl can start `vault server -dev`, ' +
  'or set VAULT_ADDR and VAULT_TOKEN to use a running Vault, ' +
  'or set `credentials.issuer: direct` in the scenario to run without Vault';

/**
 * Finds the Vault of the local target: VAULT_ADDR + VAULT_TOKEN when both are set; otherwise a
 * `vault` binary on PATH started in dev mode; otherwise a PrerequisiteError (exit 3).
 */
export async function resolveVault(
  env: Readonly<Record<string, string | undefined>>,
  deps: ResolveVaultDeps,
): Promise<VaultConnection> {
  const addr = env.VAULT_ADDR?.trim();
  const token = env.VAULT_TOKEN?.trim();
  if (addr && token) {
    deps.secrets?.add(token);
    deps.log?.(`vault: using ${addr} from VAULT_ADDR`);
    return { endpoint: addr.replace(/\/+$/, ''), token, source: 'env', stop: async () => {} };
  }
  if (addr || token) {
    const missing = addr ? 'VAULT_TOKEN' : 'VAULT_ADDR';
    const present = addr ? 'VAULT_ADDR' : 'VAULT_TOKEN';
    throw new UsageError(`${present} is set but ${missing} is not`,
      `set both VAULT_ADDR and VAULT_TOKEN to use a running Vault, or unset ${present} to let vaultctl start \`vault server -dev\``);
  }
  const binary = await deps.which('vault');
  if (!binary) {
    throw new PrerequisiteError('credentials.issuer is `vault` but no Vault was found: VAULT_ADDR is not set and `vault` is not on PATH',
      INSTALL_HINT);
  }
  deps.log?.(`vault: starting ${binary} server -dev`);
  const server = await deps.startDevServer(binary, deps.signal);
  deps.secrets?.add(server.token);
  return { endpoint: server.endpoint, token: server.token, source: 'dev-server', stop: () => server.stop() };
}
