import { randomBytes } from 'node:crypto';
import { freeLoopbackPort } from '../runtime/free-port.js';
import { ExternalError } from '../errors/errors.js';
import type { VaultDevServer } from '../ports/vault.js';
import type { ProcessSpawner, SpawnedProcess } from '../ports/process-spawner.js';
import { ownEnv } from '../runtime/proc.js';

/** Options of {@link startVaultDevServer}. */
export interface VaultDevServerOptions {
  /** Starts the server, recorded in the run ledger so a later run stops it if vaultctl is killed. */
  spawner: ProcessSpawner;
  /** Health polling; defaults 200 ms / 20 s. */
  pollIntervalMs?: number;
  startTimeoutMs?: number;
}

/**
 * Starts `vault server -dev` on a free loopback port with `token` as its root token (the caller
 * creates it, e.g. with {@link randomDevToken}, and registers it as a secret first), and waits
 * until `sys/health` answers. Dev mode is in-memory and already unsealed;
 * `-dev-no-store-token` keeps ~/.vault-token untouched.
 */
export async function startVaultDevServer(
  binary: string,
  token: string,
  signal: AbortSignal | undefined,
  opts: VaultDevServerOptions,
): Promise<VaultDevServer> {
  signal?.throwIfAborted();
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const args = ['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${token}`, '-dev-no-store-token'];
  const child = opts.spawner.spawn({ argv: [binary, ...args], env: ownEnv(), label: 'vault server -dev' });
  const command = `${binary} server -dev -dev-listen-address=127.0.0.1:${port} -dev-root-token-id=*** -dev-no-store-token`;
  let stderr = '';
  // stdout and stderr together: a failed start explains itself on either.
  child.onOutput((chunk) => { stderr = (stderr + chunk).slice(-4000); });
  let spawnError: Error | undefined;
  void child.exited.then((e) => { spawnError = e.error; });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminate(child);
  };

  try {
    await waitForHealth(endpoint, child, () => spawnError, signal, opts.pollIntervalMs ?? 200, opts.startTimeoutMs ?? 20_000);
  } catch (err) {
    await stop();
    if (signal?.aborted) throw signal.reason;
    const output = stderr.split(token).join('***');
    throw new ExternalError(`vault dev server did not become ready: ${err instanceof Error ? err.message : String(err)}`,
      { command, output, hint: 'run the command above by hand to see why, or set VAULT_ADDR and VAULT_TOKEN' });
  }
  return { endpoint, token, stop };
}

/** A random root token id for a dev server. */
export function randomDevToken(): string {
  return `vaultctl-${randomBytes(18).toString('base64url')}`;
}

async function waitForHealth(
  endpoint: string, child: SpawnedProcess, spawnError: () => Error | undefined,
  signal: AbortSignal | undefined, intervalMs: number, timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const err = spawnError();
    if (err) throw err;
    if (!child.running()) {
      const e = await child.exited;
      throw e.error ?? new Error(`it exited (${e.code ?? e.signal})`);
    }
    signal?.throwIfAborted();
    try {
      const res = await fetch(`${endpoint}/v1/sys/health`, { signal: AbortSignal.timeout(Math.max(intervalMs, 1000)) });
      const body = (await res.json()) as { initialized?: boolean; sealed?: boolean };
      if (body.initialized === true && body.sealed === false) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`no healthy answer from ${endpoint}/v1/sys/health within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** SIGTERM, then SIGKILL after 5 s. */
async function terminate(child: SpawnedProcess): Promise<void> {
  if (!child.running()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await child.closed;
  clearTimeout(timer);
}

