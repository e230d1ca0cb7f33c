import type { CredentialIssuer } from '../../../ports/credentials.js';
import { LineBuffer } from '../../../runtime/line-buffer.js';
import type { RunEvent } from '../../../ports/events.js';
import type { LocalContext } from '../local-stack.js';

/**
 * Strategy `direct`: the app holds its own leases, so vaultctl learns of them from what the app
 * reports. The demo app (src/demo-app/vault-lease.ts) writes one JSON line per step to stdout;
 * this turns them into run events (credentials_issued, lease_renewed, credentials_reloaded for the
 * pool swap, lease_revoked, warning) and hands each lease to the issuer, which tracks its expiry
 * (lease_expired) and revokes what is left at cleanup. Only the known fields are read: a line never
 * carries a password or token, and anything else on stdout is ignored.
 */
export interface AppLeaseReader {
  /** A chunk of replica `replica`'s stdout/stderr (lines may be split across chunks). */
  read(replica: string, chunk: string): void;
  /**
   * `rotations.revoke` (the chaos case): revokes the lease each replica uses now, through the
   * issuer's Vault, and records it. The app learns of it only when its next renewal is refused.
   */
  revokeCurrent(): Promise<void>;
}

/** Reads the app's `vault_*` lines of every replica into events and the issuer's lease tracking. */
export function appLeaseReader(ctx: Pick<LocalContext, 'events' | 'now' | 'secrets'>, issuer: CredentialIssuer): AppLeaseReader {
  const partial = new Map<string, LineBuffer>();
  /** The lease each replica reported last: the one its pool uses. */
  const current = new Map<string, string>();
  const emit = (e: RunEvent) => ctx.events.emit(e);
  const line = (replica: string, text: string) => {
    if (!text.startsWith('{') || !text.includes('"vault_')) return;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const t = ctx.now();
    const leaseId = typeof m.leaseId === 'string' ? m.leaseId : '';
    const ttlMs = typeof m.ttlMs === 'number' && m.ttlMs >= 0 ? m.ttlMs : 0;
    switch (m.event) {
      case 'vault_credentials_issued':
        if (!leaseId) return;
        issuer.adopt?.(leaseId, ttlMs);
        current.set(replica, leaseId);
        emit({ t, type: 'credentials_issued', leaseId, username: typeof m.username === 'string' ? m.username : '', ttlMs, issuer: issuer.name });
        return;
      case 'vault_lease_renewed':
        if (!leaseId) return;
        issuer.adopt?.(leaseId, ttlMs);
        emit({ t, type: 'lease_renewed', leaseId, ttlMs, capped: m.capped === true });
        return;
      case 'vault_pool_swapped':
        if (leaseId) emit({ t, type: 'credentials_reloaded', leaseId, replicas: 1 });
        return;
      case 'vault_lease_revoked':
        if (!leaseId) return;
        issuer.release?.(leaseId);
        emit({ t, type: 'lease_revoked', leaseId, reason: 'revoke' });
        return;
      case 'vault_error':
        emit({ t, type: 'warning', message: ctx.secrets.redact(`app: ${String(m.step ?? 'vault')}: ${String(m.message ?? '')}`) });
        return;
      default:
    }
  };
  return {
    read(replica, chunk) {
      let lines = partial.get(replica);
      // A line longer than 64 Ki chars is not one of the app's: do not hold it.
      if (!lines) partial.set(replica, (lines = new LineBuffer('\n', 65_536)));
      for (const l of lines.push(chunk)) line(replica, l.trim());
    },
    async revokeCurrent() {
      for (const leaseId of new Set(current.values())) {
        emit({ t: ctx.now(), type: 'rotation_triggered', trigger: 'revoke', leaseId });
        await issuer.revoke(leaseId);
        emit({ t: ctx.now(), type: 'lease_revoked', leaseId, reason: 'revoke' });
      }
    },
  };
}
