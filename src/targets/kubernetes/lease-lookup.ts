import { VaultApiError, type VaultApi, type VaultResponse } from '../../ports/vault.js';

/**
 * Lookups in flight at once. A lab that has been up for a day with a short refresh holds
 * thousands of leases; each costs one small request, so they go out a few at a time instead of
 * all at once (Vault, the port-forward and node-vault's socket pool stay unloaded).
 */
export const LOOKUP_CONCURRENCY = 8;

/**
 * When Vault issued a lease, in epoch ms on Vault's clock; undefined when the lease is gone.
 *
 * `PUT sys/leases/lookup {"lease_id": …}` → `data.{id, issue_time, expire_time, last_renewal,
 * renewable, ttl}` (stack-facts C; hashicorp/vault `website/content/api-docs/system/leases.mdx`
 * and `vault/logical_system.go` handleLeaseLookup, which puts the fields under `data`). An
 * unknown lease answers 400 `invalid lease`: a lease that expired or was revoked between the
 * LIST and its lookup, which is no longer outstanding.
 */
export async function leaseIssueTime(vault: VaultApi, leaseId: string): Promise<number | undefined> {
  let res: VaultResponse | undefined;
  try {
    res = await vault.write('sys/leases/lookup', { lease_id: leaseId });
  } catch (err) {
    if (err instanceof VaultApiError && err.status === 400 && err.mentions('invalid lease')) return undefined;
    throw err;
  }
  const raw = res?.data?.issue_time;
  const ms = typeof raw === 'string' ? parseVaultTime(raw) : undefined;
  if (ms === undefined) {
    throw new VaultApiError(`Vault's lookup of lease ${leaseId} has no readable data.issue_time (${JSON.stringify(raw)})`, {
      path: 'sys/leases/lookup', hint: 'vaultctl expects Vault\'s documented sys/leases/lookup response; check that VAULT_ADDR is a Vault server',
    });
  }
  return ms;
}

/**
 * Epoch ms of a Go `time.Time` as Vault's JSON carries it: RFC 3339 with up to nine fractional
 * digits and the server's offset, e.g. `2017-04-30T10:18:11.228946471-04:00` (sample response of
 * hashicorp/vault `website/content/api-docs/system/leases.mdx`), `2021-03-17T11:45:50.755312-05:00`
 * (developer.hashicorp.com/vault/docs/commands/lease/lookup) or `2019-07-26T20:17:04Z`. The fraction is cut to ms first,
 * since Date.parse is only specified for three digits. Undefined when it is not such a time.
 */
export function parseVaultTime(text: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}${m[3]}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Where a run starts on Vault's clock, so that lease issue times (Vault's clock) compare with it
 * whatever the skew between this machine and Vault: `server_time_utc` of `GET sys/health` (unix
 * seconds, `time.Now().UTC().Unix()` in hashicorp/vault `http/sys_health.go`; sample in stack-facts C).
 * It is truncated to the second, so a lease the lab issued in the second before the call counts
 * as the run's — never the other way round. Without it (an old or odd server, a failed call) the
 * machine's clock stands in, and `note` says the split then assumes both clocks agree.
 */
export async function vaultStartMs(vault: VaultApi, wallClock: () => Date): Promise<{ startMs: number; note?: string }> {
  let why: string;
  try {
    const h = await vault.health();
    if (typeof h.serverTimeUtc === 'number' && Number.isFinite(h.serverTimeUtc)) return { startMs: h.serverTimeUtc * 1000 };
    why = 'its sys/health has no server_time_utc';
  } catch (err) {
    why = `sys/health failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  return {
    startMs: wallClock().getTime(),
    note: `could not read Vault's clock (${why}); leases are split into the run's and pre-existing ones by this machine's clock, ` +
      'so a clock skew between this machine and Vault moves leases between the two counts',
  };
}

/** `fn` over `items` with at most `limit` calls pending; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
