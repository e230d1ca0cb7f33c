/**
 * The demo app's Vault mode (delivery strategy `direct`): the app holds its own database lease, as
 * hashicorp/hello-vault-go sample-app/vault_renewal.go does (../shared/reference/delivery-strategies.md
 * §7). It reads credentials (`GET /v1/<creds path>`), renews the lease with a LifetimeWatcher, and
 * when the watcher gives up (max TTL near) reads new credentials, hands them to the app to swap its
 * pool, and revokes the old lease after a drain (`sys/leases/revoke`), unless that would come after
 * the old lease's own end. API shapes: stack-facts.md section C ("GET /database/creds/:name",
 * "Leases"). Standalone like the rest of the app (node built-ins only); every step is logged as a
 * JSON line (`vault_*` events) that vaultctl reads off stdout. Never logs a password or the token.
 */

/** Credentials read from Vault, with their lease. */
export interface VaultCreds {
  username: string;
  password: string;
  leaseId: string;
  leaseMs: number;
}

/** What the watcher remembers between renewals (timing.ts lifetimeWatcher's `prior` and `grace`). */
export interface WatcherState {
  priorMs: number;
  graceMs: number;
}

/**
 * The grace of a LifetimeWatcher without jitter: 10 % of the lease, as vaultctl's strategy machines
 * run it (src/strategies/timing.ts watcherGraceMs with NO_JITTER; [VLT] api/lifetime_watcher.go
 * calculateGrace adds a random 0–10 %).
 */
export function watcherStart(leaseMs: number): WatcherState {
  return { priorMs: leaseMs, graceMs: leaseMs * 0.1 };
}

/**
 * After a renewal that left `remainingMs`: sleep this long before the next one, or give up (null)
 * when remaining ≤ grace or remaining − sleep ≤ grace (remaining ≤ 4×grace: max TTL caps the
 * renewals). The same rule as src/strategies/timing.ts lifetimeWatcher ([VLT] api/lifetime_watcher.go
 * doRenewWithOptions, calculateSleepDuration); a unit test keeps the two equal.
 */
export function afterRenewal(st: WatcherState, remainingMs: number): number | null {
  if (remainingMs > st.priorMs) st.graceMs = remainingMs * 0.1;
  st.priorMs = remainingMs;
  const sleep = (remainingMs * 2) / 3 + st.graceMs / 3;
  if (remainingMs <= st.graceMs || remainingMs - sleep <= st.graceMs) return null;
  return sleep;
}

/** Options of {@link startVaultLease}. */
export interface VaultLeaseOptions {
  addr: string;
  token: string;
  /** e.g. `database/creds/app`. */
  credsPath: string;
  /** Revoke the replaced lease after `revokeAfterMs` (the old pool's drain). */
  revokeOldLease: boolean;
  revokeAfterMs: number;
  log(event: string, fields?: Record<string, unknown>): void;
  /** New credentials: the app builds a pool on them and drains the old one. */
  use(creds: VaultCreds): void;
}

const RETRY_MS = 1000;

/** Reads the first credentials (retrying until Vault answers), then watches and replaces leases. */
export function startVaultLease(o: VaultLeaseOptions): { stop(): Promise<void> } {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => { timers.delete(t); if (!stopped) fn(); }, ms);
    timers.add(t);
  };
  const call = (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const p = send(method, path, body);
    inFlight.add(p);
    const forget = () => { inFlight.delete(p); };
    p.then(forget, forget);
    return p;
  };
  const send = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${o.addr.replace(/\/+$/, '')}/v1/${path}`, {
      method, headers: { 'x-vault-token': o.token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Vault ${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const fetchCreds = async (): Promise<VaultCreds> => {
    const res = await call('GET', o.credsPath);
    const data = (res.data ?? {}) as { username?: unknown; password?: unknown };
    const leaseS = Number(res.lease_duration);
    if (typeof res.lease_id !== 'string' || typeof data.username !== 'string' || typeof data.password !== 'string' || !(leaseS > 0)) {
      throw new Error(`Vault GET ${o.credsPath} answered without lease_id, lease_duration, username and password`);
    }
    return { username: data.username, password: data.password, leaseId: res.lease_id, leaseMs: leaseS * 1000 };
  };

  /** New credentials, swapped in; the previous lease (`old.endsAt`: its end, epoch ms) revoked after the drain. */
  const replace = (old: { leaseId: string; endsAt: number } | undefined) => {
    if (stopped) return;
    fetchCreds().then((creds) => {
      // Logged even when stopping: vaultctl revokes at cleanup every lease it saw.
      o.log('vault_credentials_issued', { leaseId: creds.leaseId, username: creds.username, ttlMs: creds.leaseMs });
      if (stopped) return;
      o.use(creds);
      if (old) scheduleRevoke(old);
      watch(creds, watcherStart(creds.leaseMs));
    }, (err: unknown) => {
      o.log('vault_error', { step: 'read credentials', message: (err as Error).message });
      later(RETRY_MS, () => replace(old));
    });
  };

  // The old lease is revoked only while it still lives: after its end Vault has revoked it already
  // (src/strategies/direct.ts schedule: `revoke` only when drain end < lease end, else it expires).
  const scheduleRevoke = (old: { leaseId: string; endsAt: number }) => {
    if (!o.revokeOldLease || Date.now() + o.revokeAfterMs >= old.endsAt) {
      o.log('vault_lease_left', { leaseId: old.leaseId });
      return;
    }
    later(o.revokeAfterMs, () => {
      call('PUT', 'sys/leases/revoke', { lease_id: old.leaseId, sync: true }).then(
        () => o.log('vault_lease_revoked', { leaseId: old.leaseId }),
        (err: unknown) => o.log('vault_error', { step: 'revoke', leaseId: old.leaseId, message: (err as Error).message }),
      );
    });
  };

  // Renew at once, then per afterRenewal; increment 0 asks for the role's default TTL (stack-facts C "Leases").
  const watch = (creds: VaultCreds, st: WatcherState) => {
    if (stopped) return;
    call('PUT', 'sys/leases/renew', { lease_id: creds.leaseId }).then((res) => {
      const ttlMs = Number(res.lease_duration) * 1000;
      const capped = Array.isArray(res.warnings) && res.warnings.length > 0 ? true : ttlMs < creds.leaseMs;
      o.log('vault_lease_renewed', { leaseId: creds.leaseId, ttlMs, capped });
      const sleep = afterRenewal(st, ttlMs);
      if (sleep === null) replace({ leaseId: creds.leaseId, endsAt: Date.now() + ttlMs });
      else later(sleep, () => watch(creds, st));
    }, (err: unknown) => {
      // The watcher returns on a renew error; its owner reads new credentials (facts file §2 "Renewal").
      o.log('vault_error', { step: 'renew', leaseId: creds.leaseId, message: (err as Error).message });
      replace(undefined);
    });
  };

  replace(undefined);
  return {
    // Waits (≤ 1 s) for a call in flight: a lease read just before exit is then still reported, so vaultctl revokes it.
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((r) => { timer = setTimeout(r, 1000); });
      await Promise.race([Promise.allSettled([...inFlight]).then(() => new Promise((r) => setImmediate(r))), limit]);
      clearTimeout(timer);
    },
  };
}
