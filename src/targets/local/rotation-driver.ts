import type { Credentials, CredentialIssuer } from '../../ports/credentials.js';
import type { RotationTrigger } from '../../ports/events.js';
import { recordRotationFailure } from '../rotation-failure.js';
import type { LocalContext } from './local-stack.js';
import type { LocalSupervisor } from './supervisor.js';

/**
 * How running replicas get new credentials: a rolling `restart` (as Wave does on a Secret change),
 * a re-rendered file and SIGHUP (`signal`, as a Vault agent's command does), a re-rendered file
 * the app watches (`reread`), or `none` (the Secret changes and nobody reloads).
 */
export type DriverPickup = 'restart' | 'signal' | 'reread' | 'none';

/**
 * The effects the delivery strategies (./strategies) are made of: issue new credentials and deliver
 * them by a pickup, renew or revoke the live lease. A rotation that cannot be carried out (the issuer
 * or the database refuses, a new replica cannot start) is recorded as `rotation_failed`; nothing is
 * thrown to the scheduler.
 */
export class RotationDriver {
  private live: Credentials;
  private readonly rollouts: Promise<void>[] = [];
  private halted = false;

  /** The start of the measured load on the run clock; progress lines count from it. */
  originMs = 0;

  constructor(
    private readonly ctx: LocalContext,
    private readonly issuer: CredentialIssuer,
    private readonly supervisor: LocalSupervisor,
    initial: Credentials,
  ) {
    this.live = initial;
  }

  /** The credentials the replicas were last given. */
  current(): Credentials {
    return this.live;
  }

  /**
   * Issues new credentials and delivers them; returns them, or undefined when the rotation failed
   * (recorded) or the driver is halted. Rollouts run in the background (they may overlap).
   */
  async rotate(trigger: RotationTrigger, pickup: DriverPickup): Promise<Credentials | undefined> {
    if (this.halted) return undefined;
    const { ctx } = this;
    const at = ctx.now();
    ctx.events.emit({ t: at, type: 'rotation_triggered', trigger });
    let issued: Credentials | undefined;
    await this.attempt(trigger, at, async () => {
      const creds = await this.issuer.issue();
      emitIssued(ctx, creds, this.issuer.name);
      issued = creds;
      await this.deliver(creds, trigger, at, pickup);
    });
    return issued;
  }

  /**
   * static-role: rotates the static role's password in place (same username) and records
   * `password_rotated`; the replicas are not told (their carrier picks it up later, {@link pickUp}).
   * Returns the new credentials, or undefined when the rotation failed (recorded) or the driver is halted.
   */
  async rotatePassword(trigger: RotationTrigger): Promise<Credentials | undefined> {
    const rotate = this.issuer.rotateStatic?.bind(this.issuer);
    if (this.halted) return undefined;
    const at = this.ctx.now();
    let rotated: Credentials | undefined;
    await this.attempt(trigger, at, async () => {
      if (!rotate) throw new Error(`the ${this.issuer.name} issuer has no static roles`);
      const creds = await rotate();
      this.ctx.events.emit({ t: this.ctx.now(), type: 'password_rotated', leaseId: creds.leaseId, username: creds.username });
      rotated = creds;
    });
    return rotated;
  }

  /** Delivers credentials issued earlier (a carrier picking up a rotated static password). */
  async pickUp(creds: Credentials, trigger: RotationTrigger, pickup: DriverPickup): Promise<void> {
    if (this.halted) return;
    const at = this.ctx.now();
    this.ctx.events.emit({ t: at, type: 'rotation_triggered', trigger });
    await this.attempt(trigger, at, () => this.deliver(creds, trigger, at, pickup));
  }

  private async deliver(creds: Credentials, trigger: RotationTrigger, at: number, pickup: DriverPickup): Promise<void> {
    if (pickup === 'restart') {
      this.live = creds;
      this.rollouts.push(this.attempt(trigger, at, () => this.supervisor.rollout(creds, trigger)));
    } else if (pickup === 'signal' || pickup === 'reread') {
      this.live = creds;
      await this.supervisor.reload(creds, pickup === 'signal');
    }
  }

  /**
   * Renews a lease by `incrementMs` (0: the role's default TTL) and records `lease_renewed`; returns
   * the TTL granted, or undefined when the issuer refused (a warning: the lease is left to expire).
   */
  async renew(creds: Credentials, incrementMs: number): Promise<{ ttlMs: number; capped: boolean } | undefined> {
    if (this.halted) return undefined;
    try {
      const ttlMs = await this.issuer.renew(creds.leaseId, incrementMs);
      const capped = ttlMs < (incrementMs > 0 ? incrementMs : this.ctx.scenario.database.role.defaultTtlMs);
      this.ctx.events.emit({ t: this.ctx.now(), type: 'lease_renewed', leaseId: creds.leaseId, ttlMs, capped });
      return { ttlMs, capped };
    } catch (err) {
      this.warn(err);
      return undefined;
    }
  }

  /** Revokes the credentials the replicas are using now (the chaos case). */
  async revokeLive(): Promise<void> {
    if (this.halted) return;
    const { ctx } = this;
    const at = ctx.now();
    const leaseId = this.live.leaseId;
    ctx.events.emit({ t: at, type: 'rotation_triggered', trigger: 'revoke', leaseId });
    await this.attempt('revoke', at, async () => {
      await this.issuer.revoke(leaseId);
      ctx.events.emit({ t: ctx.now(), type: 'lease_revoked', leaseId, reason: 'revoke' });
    });
  }

  /**
   * Revokes a lease on the strategy's behalf (VSO `revoke` when its VaultDynamicSecret is deleted)
   * and records `lease_revoked` (reason `revoke`); a lease already ended is left alone.
   */
  async revoke(creds: Credentials): Promise<void> {
    if (this.halted || !this.issuer.outstanding().includes(creds.leaseId)) return;
    try {
      await this.issuer.revoke(creds.leaseId);
      this.ctx.events.emit({ t: this.ctx.now(), type: 'lease_revoked', leaseId: creds.leaseId, reason: 'revoke' });
    } catch (err) {
      this.warn(err);
    }
  }

  /** Waits for rollouts still in progress (their failures are already recorded). */
  async settle(): Promise<void> {
    await Promise.all(this.rollouts);
  }

  /**
   * No more rotations: the run is ending early (interrupt, dead database). Rollouts cut short by
   * the cleanup after this are warnings, not failed rotations.
   */
  halt(): void {
    this.halted = true;
  }

  warn(err: unknown): void {
    const message = this.ctx.secrets.redact(err instanceof Error ? err.message : String(err));
    this.ctx.events.emit({ t: this.ctx.now(), type: 'warning', message });
    this.ctx.reporter.info(`  ! ${message}`);
  }

  private async attempt(trigger: RotationTrigger, at: number, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (this.halted) this.warn(err);
      else recordRotationFailure(this.ctx, trigger, at, this.originMs, err);
    }
  }
}

/** Records a credentials_issued event: lease id, username and TTL (and the replica, when per replica), never the password. */
export function emitIssued(ctx: LocalContext, c: Credentials, issuer: string, replica?: string): void {
  ctx.events.emit({ t: ctx.now(), type: 'credentials_issued', leaseId: c.leaseId, username: c.username,
    ttlMs: c.ttlMs, issuer, ...(replica === undefined ? {} : { replica }) });
}
