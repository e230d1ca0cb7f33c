import type { Credentials, CredentialIssuer } from '../../ports/credentials.js';
import type { RotationTrigger } from '../../ports/events.js';
import type { LocalContext } from './local-stack.js';
import type { LocalSupervisor } from './supervisor.js';

/**
 * Carries out rotations: issue new credentials and deliver them the way the scenario's reload
 * strategy says (restart = roll the replicas as Wave does, signal = re-render the file and SIGHUP
 * as the Vault agent does, none = the Secret changes and nobody reloads), or revoke the live ones.
 */
export class RotationDriver {
  private live: Credentials;
  private readonly rollouts: Promise<void>[] = [];

  constructor(
    private readonly ctx: LocalContext,
    private readonly issuer: CredentialIssuer,
    private readonly supervisor: LocalSupervisor,
    initial: Credentials,
  ) {
    this.live = initial;
  }

  /** Issues new credentials and delivers them. Rollouts run in the background (they may overlap). */
  async rotate(trigger: RotationTrigger): Promise<void> {
    const { ctx } = this;
    ctx.events.emit({ t: ctx.now(), type: 'rotation_triggered', trigger });
    const creds = await this.issuer.issue();
    emitIssued(ctx, creds, this.issuer.name);
    const reload = ctx.scenario.delivery.reload;
    if (reload === 'restart') {
      this.live = creds;
      this.rollouts.push(this.supervisor.rollout(creds, trigger).catch((err: unknown) => this.warn(err)));
    } else if (reload === 'signal') {
      this.live = creds;
      await this.supervisor.reload(creds);
    }
  }

  /** Revokes the credentials the replicas are using now (the chaos case). */
  async revokeLive(): Promise<void> {
    const { ctx } = this;
    const leaseId = this.live.leaseId;
    ctx.events.emit({ t: ctx.now(), type: 'rotation_triggered', trigger: 'revoke', leaseId });
    await this.issuer.revoke(leaseId);
    ctx.events.emit({ t: ctx.now(), type: 'lease_revoked', leaseId, reason: 'revoke' });
  }

  /** Waits for rollouts still in progress (their failures were already recorded as warnings). */
  async settle(): Promise<void> {
    await Promise.all(this.rollouts);
  }

  warn(err: unknown): void {
    const message = this.ctx.secrets.redact(err instanceof Error ? err.message : String(err));
    this.ctx.events.emit({ t: this.ctx.now(), type: 'warning', message });
    this.ctx.reporter.info(`  ! ${message}`);
  }
}

/** Records a credentials_issued event: lease id, username and TTL, never the password. */
export function emitIssued(ctx: LocalContext, c: Credentials, issuer: string): void {
  ctx.events.emit({ t: ctx.now(), type: 'credentials_issued', leaseId: c.leaseId, username: c.username,
    ttlMs: c.ttlMs, issuer });
}
