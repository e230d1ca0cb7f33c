import { randomBytes } from 'node:crypto';
import { vaultNow, type DoubleState } from './vault-double-routes.js';

/**
 * Leases an idle lab leaves behind: ESO's VaultDynamicSecret generator reads new credentials at
 * every refresh and never revokes the old ones (stack-facts F), so with the lab's 1 m refresh and
 * 1 h TTL about 60 leases of the role are live at any time. Seeds `count` of them, the newest
 * `newestAgoMs` and then one every `everyMs` before the double's now, each expiring `ttlMs` after
 * its issue. Returns their ids.
 */
export function seedIdleLeases(s: DoubleState, o: { mount: string; role: string; count: number; everyMs: number;
  ttlMs: number; newestAgoMs?: number }): string[] {
  const now = vaultNow(s);
  const ids: string[] = [];
  for (let i = 0; i < o.count; i++) {
    const issueTime = now - (o.newestAgoMs ?? o.everyMs) - i * o.everyMs;
    const id = `${o.mount}/creds/${o.role}/${randomBytes(12).toString('hex')}`;
    s.leases.set(id, { id, mount: o.mount, role: o.role, issueTime, expireTime: issueTime + o.ttlMs,
      maxExpire: issueTime + 24 * 3_600_000, lastRenewal: null });
    ids.push(id);
  }
  return ids;
}
