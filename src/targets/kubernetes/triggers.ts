import type { EventSink, RotationTrigger } from '../../ports/events.js';
import type { KubeApi } from '../../ports/kube.js';
import type { VaultApi } from '../../ports/vault.js';
import { leasePrefix, listLeaseIds } from './leases.js';

/** Where the rotations of the kubernetes target land. */
export interface TriggerTarget {
  kube: KubeApi;
  vault: VaultApi;
  /**
   * The strategy's lever for `rotations.at` (kube-delivery.ts): makes its controller fetch new
   * credentials now; gets the unix time as the stamp to write. Absent: the strategy has none.
   */
  forceSync?: (stamp: string) => Promise<void>;
  /** Vault database mount, dynamic role and connection (database/config/:name). */
  mount: string;
  role: string;
  connection: string;
}

/** What the triggers record and how they tell the time. */
export interface TriggerContext {
  events: EventSink;
  /** Run clock, ms. */
  now(): number;
  /** Wall clock, for the force-sync annotation value (unix seconds, as `date +%s`). */
  wallClock(): Date;
  /** Tells the rollout tracker which rotation the next rollout answers. */
  onRotation?(trigger: RotationTrigger): void;
}

/**
 * The rotations of the kubernetes target, each recorded as `rotation_triggered`:
 * - natural refresh: nothing to do, ESO re-issues every `refreshInterval` (rollouts it causes are
 *   attributed to `refresh`);
 * - TTL expiry: nothing to do, Vault revokes at the role's `default_ttl`;
 * - `force-sync` (scenario `rotations.at`): the strategy's controller refreshes now (its lever);
 * - `revoke` (`rotations.revoke`): every lease of the role, live ones included;
 * - `rotate-root` (`rotations.rotateRoot`): Vault changes the connection's admin password.
 * A trigger that throws (the API refused it) is recorded by the caller as `rotation_failed`.
 */
export class KubernetesTriggers {
  constructor(private readonly target: TriggerTarget, private readonly ctx: TriggerContext) {}

  /**
   * Pulls the strategy's lever with the unix time as the stamp (ESO: a `force-sync` annotation on
   * the ExternalSecret; VSO: a generation change of the VaultDynamicSecret).
   */
  async forceSync(): Promise<void> {
    const lever = this.target.forceSync;
    if (!lever) throw new Error('this delivery strategy has no refresh vaultctl can force (rotations.at)');
    this.record('force-sync');
    await lever(String(Math.floor(this.ctx.wallClock().getTime() / 1000)));
  }

  /**
   * `sys/leases/revoke-prefix/<mount>/creds/<role>` with `sync: true` (stack-facts C): Vault drops
   * every credential of the role, the one the pods use included, and records each revoked lease.
   * Returns the revoked lease ids (listed just before, so they can be recorded).
   */
  async revoke(): Promise<string[]> {
    const { vault, mount, role } = this.target;
    const ids = await listLeaseIds(vault, mount, role);
    this.record('revoke');
    await vault.write(`sys/leases/revoke-prefix/${leasePrefix(mount, role).replace(/\/$/, '')}`, { sync: true });
    for (const leaseId of ids) this.ctx.events.emit({ t: this.ctx.now(), type: 'lease_revoked', leaseId, reason: 'revoke' });
    return ids;
  }

  /**
   * `POST <mount>/rotate-root/<connection>` (stack-facts C): Vault sets a new password for its own
   * admin user. Issued credentials keep working; new issues use the new root password.
   */
  async rotateRoot(): Promise<void> {
    const { vault, mount, connection } = this.target;
    this.record('rotate-root');
    await vault.write(`${mount.replace(/^\/+|\/+$/g, '')}/rotate-root/${connection}`, {});
  }

  private record(trigger: RotationTrigger): void {
    this.ctx.events.emit({ t: this.ctx.now(), type: 'rotation_triggered', trigger });
    this.ctx.onRotation?.(trigger);
  }
}
