import type { Credentials, CredentialIssuer } from '../../ports/credentials.js';
import type { RotationTrigger } from '../../ports/events.js';
import { recordRotationFailure } from '../rotation-failure.js';
import type { LocalContext } from './local-stack.js';
import type { PerReplicaIssuer } from './replica-credentials.js';
import { emitIssued } from './rotation-driver.js';
import { provisionalHorizonMs, ReplicaTimers } from './strategies/replica-timers.js';
import type { LocalSupervisor } from './supervisor.js';

/** Why a replica got credentials: its start (a CSI mount, vault-env at exec) or a CSI rotation poll. */
export type ReplicaIssueReason = 'start' | 'poll';

/** Told of every per-replica issue. */
export type ReplicaIssueListener = (replicaId: string, creds: Credentials, reason: ReplicaIssueReason) => void;

/**
 * Per-replica credentials on the local target (csi, vault-env; facts file §3 "Per pod", §5): the
 * supervisor asks for each replica's credentials at its start; a strategy machine listens to every
 * issue to time that replica's own lease, and polls (CSI) or restarts it in place (vault-env).
 * Every issue is recorded (`credentials_issued` with the replica); every lease is the issuer's, so
 * its close() revokes what is left at cleanup. A step that fails is recorded as `rotation_failed`.
 */
export class ReplicaLeases implements PerReplicaIssuer {
  private readonly listeners: ReplicaIssueListener[] = [];
  /** Every issue so far: the replicas start before the strategy machine exists, and it is told of them when it listens. */
  private readonly history: { replicaId: string; creds: Credentials; reason: ReplicaIssueReason }[] = [];
  private supervisor?: LocalSupervisor;
  private firstIssued?: Credentials;
  /** The start of the measured load on the run clock, for the lines of failed steps. */
  originMs = 0;
  /**
   * The strategy's per-replica steps. They run from each lease's issue on — before the load and
   * its plan, while the replicas start (a `startSpread` can outlast a lease) — so the strategy sets
   * them up when this object is made (perReplicaLeases), and its machine arms them for the load's end.
   */
  readonly timers: ReplicaTimers;

  constructor(private readonly ctx: LocalContext, private readonly issuer: CredentialIssuer) {
    this.timers = new ReplicaTimers(() => ctx.now(), provisionalHorizonMs(ctx.scenario), (err) => this.warn(err));
  }

  /** The supervisor whose replicas these are (it takes this object as its `perReplica` issuer first). */
  attach(supervisor: LocalSupervisor): void {
    this.supervisor = supervisor;
  }

  /** A replica is starting: its own new lease. */
  async issue(replicaId: string): Promise<Credentials> {
    const creds = await this.issuer.issue();
    this.firstIssued ??= creds;
    this.record(replicaId, creds, 'start');
    return creds;
  }

  /** The first credentials issued (a replica of the first start), for what needs one set (`rotations.revoke`). */
  first(): Credentials {
    if (!this.firstIssued) throw new Error('ReplicaLeases.first() before any replica started');
    return this.firstIssued;
  }

  /** Calls `listener` for every issue so far, in order, then for each new one. */
  onIssued(listener: ReplicaIssueListener): void {
    for (const h of this.history) listener(h.replicaId, h.creds, h.reason);
    this.listeners.push(listener);
  }

  /** The run clock. */
  now(): number {
    return this.ctx.now();
  }

  /** True once the run is ending (Ctrl-C, a dead database): no more steps. */
  stopped(): boolean {
    return this.ctx.signal.aborted;
  }

  /**
   * A CSI rotation poll that mints: new credentials for replica `id`, written to its own file in
   * place; with `signal` the replica is told (SIGHUP) to re-read it. Nothing when the replica is gone.
   */
  async poll(replicaId: string, signal: boolean): Promise<void> {
    await this.step('refresh', async () => {
      const creds = await this.issuer.issue();
      this.record(replicaId, creds, 'poll');
      this.supervisor!.updateReplicaCredentials(replicaId, creds, signal);
    });
  }

  /** vault-env's lease watcher returned: replica `id` is SIGTERMed and restarts in place (new credentials at its start). */
  async restartInPlace(replicaId: string, killAfterMs: number, delayMs: number): Promise<void> {
    await this.step('expiry', async () => {
      this.supervisor!.restartInPlace(replicaId, { killAfterMs, delayMs, reason: 'vault-env: lease renewal stopped (max TTL)' });
    });
  }

  /**
   * Renews a replica's lease by `incrementMs` (0: the role's default TTL) and records `lease_renewed`,
   * as RotationDriver.renew does for the shared lease; a refusal is a warning (the lease is left to expire).
   */
  async renew(creds: Credentials, incrementMs: number): Promise<void> {
    if (this.stopped()) return;
    try {
      const ttlMs = await this.issuer.renew(creds.leaseId, incrementMs);
      const capped = ttlMs < (incrementMs > 0 ? incrementMs : this.ctx.scenario.database.role.defaultTtlMs);
      this.ctx.events.emit({ t: this.ctx.now(), type: 'lease_renewed', leaseId: creds.leaseId, ttlMs, capped });
    } catch (err) {
      this.warn(err);
    }
  }

  warn(err: unknown): void {
    const message = this.ctx.secrets.redact(err instanceof Error ? err.message : String(err));
    this.ctx.events.emit({ t: this.ctx.now(), type: 'warning', message });
    this.ctx.reporter.info(`  ! ${message}`);
  }

  private record(replicaId: string, creds: Credentials, reason: ReplicaIssueReason): void {
    emitIssued(this.ctx, creds, this.issuer.name, replicaId);
    this.history.push({ replicaId, creds, reason });
    for (const l of this.listeners) l(replicaId, creds, reason);
  }

  private async step(trigger: RotationTrigger, work: () => Promise<void>): Promise<void> {
    if (this.stopped() || !this.supervisor) return;
    const at = this.ctx.now();
    this.ctx.events.emit({ t: at, type: 'rotation_triggered', trigger });
    try {
      await work();
    } catch (err) {
      recordRotationFailure(this.ctx, trigger, at, this.originMs, err);
    }
  }
}
