import type { EventSink } from '../../ports/events.js';
import type { VaultApi } from '../../ports/vault.js';
import { LOOKUP_CONCURRENCY, leaseIssueTime, mapLimit, vaultStartMs } from './lease-lookup.js';

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

/** The role's live leases split by the run's start. */
export interface LeaseSplit {
  /** Issued at or after the run's start (on Vault's clock): the run's. */
  run: number;
  /** Issued before it: the idle lab's (ESO refreshes and never revokes, stack-facts F). */
  preExisting: number;
}

/**
 * Counts the leases a run created. The lab keeps ESO refreshing while idle and ESO never revokes,
 * so `<mount>/creds/<role>/` holds about lifetime / refreshInterval leases the run did not make
 * (60 for the lab's 1 h TTL and 1 m refresh); counting them all made `leases.outstanding` fail on
 * any lab up for more than a few minutes. Each lease is looked up for its `issue_time` and
 * compared with the run's start on Vault's clock ({@link vaultStartMs}). Issue times never
 * change, so a lease is looked up once per run: the count after the load only looks up leases
 * that are new since the count before it.
 */
export class RunLeaseCounter {
  private readonly issued = new Map<string, number>();

  private constructor(private readonly vault: VaultApi, private readonly o: { mount: string; role: string; startMs: number }) {}

  /** Takes the run's start from Vault's clock now; `note` says when the machine's clock had to stand in. */
  static async start(vault: VaultApi, o: { mount: string; role: string; wallClock(): Date }): Promise<{ counter: RunLeaseCounter; note?: string }> {
    const { startMs, note } = await vaultStartMs(vault, o.wallClock);
    return { counter: new RunLeaseCounter(vault, { mount: o.mount, role: o.role, startMs }), note };
  }

  /** The run's start on Vault's clock, epoch ms. */
  get startMs(): number {
    return this.o.startMs;
  }

  async count(): Promise<LeaseSplit> {
    const ids = await listLeaseIds(this.vault, this.o.mount, this.o.role);
    const unknown = ids.filter((id) => !this.issued.has(id));
    const times = await mapLimit(unknown, LOOKUP_CONCURRENCY, (id) => leaseIssueTime(this.vault, id));
    unknown.forEach((id, i) => { if (times[i] !== undefined) this.issued.set(id, times[i]); });
    const split: LeaseSplit = { run: 0, preExisting: 0 };
    for (const id of ids) {
      const t = this.issued.get(id);
      if (t === undefined) continue; // gone between the LIST and its lookup
      if (t >= this.o.startMs) split.run++;
      else split.preExisting++;
    }
    return split;
  }
}

/**
 * Counts the role's leases and records the split as `leases_counted` (`count`: the run's,
 * `preExisting`: the lab's from before the run). Before the load it is the starting point; after
 * it, RunAnalysis.leases.outstanding (and the `leases.outstanding` threshold) use `count`: on this
 * target ESO issues the leases, so the event log alone cannot know them.
 */
export async function recordLeaseCount(counter: RunLeaseCounter, o: { phase: 'before' | 'after'; events: EventSink;
  now(): number }): Promise<LeaseSplit> {
  const split = await counter.count();
  o.events.emit({ t: o.now(), type: 'leases_counted', phase: o.phase, count: split.run, preExisting: split.preExisting });
  return split;
}

function trimSlashes(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}
