import type { EventSink } from '../../ports/events.js';
import type { VaultApi } from '../../ports/vault.js';

/** Where a role's leases live: `<mount>/creds/<role>/` (lease ids are this prefix + a random suffix). */
export function leasePrefix(mount: string, role: string): string {
  return `${trimSlashes(mount)}/creds/${role}/`;
}

/**
 * The role's live lease ids: `LIST sys/leases/lookup/<mount>/creds/<role>/` (stack-facts C; needs
 * sudo, which the lab's root token has). Keys ending in `/` are deeper prefixes, not leases. Vault
 * answers 404 for an empty prefix, which the VaultApi turns into an empty list.
 */
export async function listLeaseIds(vault: VaultApi, mount: string, role: string): Promise<string[]> {
  const prefix = leasePrefix(mount, role);
  const keys = await vault.list(`sys/leases/lookup/${prefix}`);
  return keys.filter((k) => k && !k.endsWith('/')).map((k) => prefix + k);
}

/**
 * Counts the role's leases and records the count as `leases_counted`. Before the load it is the
 * starting point; after it, RunAnalysis.leases.outstanding (and the `leases.outstanding`
 * threshold) use it: on this target ESO issues the leases, so the event log alone cannot know them.
 */
export async function recordLeaseCount(vault: VaultApi, o: { mount: string; role: string; phase: 'before' | 'after';
  events: EventSink; now(): number }): Promise<number> {
  const count = (await listLeaseIds(vault, o.mount, o.role)).length;
  o.events.emit({ t: o.now(), type: 'leases_counted', phase: o.phase, count });
  return count;
}

function trimSlashes(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}
