import nodeVault from 'node-vault';
import { VaultApiError, type VaultApi, type VaultHealth, type VaultResponse } from '../ports/vault.js';

/** Options of {@link createNodeVaultApi}. */
export interface NodeVaultApiOptions {
  /** Base address, e.g. `http://127.0.0.1:8200` (no `/v1`). */
  endpoint: string;
  token: string;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
}

const BAD_TOKEN_HINT = 'check the Vault token (VAULT_TOKEN): it is missing, expired, or its policies do not cover this path';

/**
 * A {@link VaultApi} over node-vault 0.12.0, using only its generic read/write/list/delete
 * (stack-facts.md D: the named helpers hit legacy endpoints or are broken).
 */
export function createNodeVaultApi(opts: NodeVaultApiOptions): VaultApi {
  const endpoint = opts.endpoint.replace(/\/+$/, '');
  const client = nodeVault({
    apiVersion: 'v1',
    endpoint,
    token: opts.token,
    requestOptions: { timeout: opts.timeoutMs ?? 10_000 },
    // `GET ?list=1` instead of the LIST verb: same Vault semantics, and HTTP stacks that only know
    // standard methods (proxies, node:http servers) pass it through.
    noCustomHTTPVerbs: true,
  });
  // node-vault falls back to VAULT_PREFIX / VAULT_NAMESPACE from process.env; this adapter is
  // configured only by its arguments.
  (client as unknown as { pathPrefix: string }).pathPrefix = '';
  (client as unknown as { namespace?: string }).namespace = undefined;

  const call = async <T>(method: string, rawPath: string, fn: (path: string) => Promise<T>): Promise<T> => {
    const path = cleanPath(rawPath);
    try {
      return await fn(path);
    } catch (err) {
      throw toVaultApiError(err, { method, path, endpoint, token: opts.token });
    }
  };

  return {
    async health(): Promise<VaultHealth> {
      // node-vault resolves sys/health with the body for 429/472/473/501/503 as well.
      const body = (await call('GET', 'sys/health', (p) => client.read(p))) as
        (Partial<VaultHealth> & { server_time_utc?: unknown }) | undefined;
      if (!body || typeof body.initialized !== 'boolean' || typeof body.sealed !== 'boolean') {
        throw new VaultApiError(`${endpoint} answered GET /v1/sys/health without a Vault health body`, {
          path: 'sys/health', hint: 'check that VAULT_ADDR points at a Vault server',
        });
      }
      const serverTimeUtc = typeof body.server_time_utc === 'number' ? body.server_time_utc : undefined;
      return { initialized: body.initialized, sealed: body.sealed, version: body.version, ...(serverTimeUtc === undefined ? {} : { serverTimeUtc }) };
    },
    async read(path) {
      return (await call('GET', path, (p) => client.read(p))) as VaultResponse;
    },
    async write(path, body) {
      const res = await call('POST', path, (p) => client.write(p, body));
      // 204 No Content arrives as an empty string from axios.
      return res && typeof res === 'object' ? (res as VaultResponse) : undefined;
    },
    async list(path) {
      try {
        const res = (await call('LIST', path, (p) => client.list(p))) as VaultResponse;
        const keys = res?.data?.keys;
        return Array.isArray(keys) ? keys.map(String) : [];
      } catch (err) {
        if (err instanceof VaultApiError && err.status === 404) return [];
        throw err;
      }
    },
    async delete(path) {
      await call('DELETE', path, (p) => client.delete(p));
    },
  };
}

/** Removes leading slashes and collapses `//`, which Vault ≥ 2.0 rejects (stack-facts.md B/D). */
export function cleanPath(path: string): string {
  return path.replace(/\/{2,}/g, '/').replace(/^\/+/, '');
}

interface CallContext {
  method: string;
  path: string;
  endpoint: string;
  token: string;
}

/** Maps node-vault's ApiResponseError and axios' network errors to a VaultApiError without secrets. */
function toVaultApiError(err: unknown, ctx: CallContext): VaultApiError {
  const scrub = (s: string) => (ctx.token ? s.split(ctx.token).join('***') : s);
  const e = err as { message?: string; code?: string; response?: { statusCode?: number; body?: unknown } };
  const status = e?.response?.statusCode;
  if (typeof status === 'number') {
    const body = e.response?.body as { errors?: unknown } | undefined;
    const errors = Array.isArray(body?.errors) ? body.errors.map((x) => scrub(String(x))) : [];
    const detail = errors.length > 0 ? errors.join('; ') : `HTTP ${status}`;
    return new VaultApiError(`Vault ${ctx.method} ${ctx.path} failed (${status}): ${detail}`, {
      status, errors, path: ctx.path, hint: status === 403 ? BAD_TOKEN_HINT : undefined,
    });
  }
  // No response: the raw AxiosError (it carries the request headers, so it is not kept as cause).
  const code = e?.code ?? 'network error';
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  const why = timedOut ? 'timed out' : `failed (${code})`;
  return new VaultApiError(`cannot reach Vault at ${ctx.endpoint}: ${ctx.method} ${ctx.path} ${why}`, {
    path: ctx.path,
    errors: [scrub(e?.message ?? String(err))],
    hint: 'is Vault running? check VAULT_ADDR, or let vaultctl start `vault server -dev`',
  });
}
