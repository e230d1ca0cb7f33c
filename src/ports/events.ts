/**
 * The append-only event log of a run (ARCHITECTURE.md "The data that flows", 2). Times are
 * monotonic milliseconds since the run's time zero. No event ever carries a password or token.
 */
export type RunEvent =
  | { t: number; type: 'run_started'; target: string; scenario: string }
  | { t: number; type: 'load_started' }
  | { t: number; type: 'load_finished' }
  | { t: number; type: 'run_finished' }
  /** `replica`: per-replica credentials (csi, vault-env) name the replica they were issued for. */
  | { t: number; type: 'credentials_issued'; leaseId: string; username: string; ttlMs: number; issuer: string; replica?: string }
  | { t: number; type: 'rotation_triggered'; trigger: RotationTrigger; leaseId?: string }
  /**
   * `replica`/`username`: kubernetes target, one pod's app logged a reload (its log line names the
   * new username, never the password; `leaseId` is then '' — the log does not name the lease).
   */
  | { t: number; type: 'credentials_reloaded'; leaseId: string; replicas: number; replica?: string; username?: string }
  | { t: number; type: 'rollout_started'; revision: number; trigger: RotationTrigger; replicas: number }
  | { t: number; type: 'replica_started'; replica: string; revision: number; port: number }
  | { t: number; type: 'replica_ready'; replica: string; revision: number }
  | { t: number; type: 'replica_removed'; replica: string; revision: number }
  | { t: number; type: 'replica_terminating'; replica: string; revision: number }
  /**
   * local target: a probe crossed its failureThreshold. readiness: the replica left the Service
   * (replica_removed follows) until it passes again (replica_ready); liveness: it is being killed
   * and will be restarted. `message` is what the last probe saw.
   */
  | { t: number; type: 'probe_failed'; replica: string; revision: number; probe: 'readiness' | 'liveness'; message: string }
  | { t: number; type: 'replica_exited'; replica: string; revision: number; code: number | null; signal: string | null; expected: boolean }
  | { t: number; type: 'rollout_completed'; revision: number }
  /**
   * A rotation that could not be carried out (issuer or database error); `message` is redacted.
   * `triggeredAt`: run-clock ms the rotation was triggered (`t` is when it failed).
   */
  | { t: number; type: 'rotation_failed'; trigger: RotationTrigger; message: string; triggeredAt?: number }
  /** The database stopped serving mid-run (local target: the postmaster exited); the run ends with exit 4. */
  | { t: number; type: 'database_failed'; message: string }
  /**
   * local target: errors the database itself logged (SQLSTATE `code`, e.g. 28P01, 57P01, 42501),
   * `count` of them from `t` to `lastT` (grouped per 100 ms), with the first one's message.
   */
  | { t: number; type: 'database_errors'; code: string; severity: string; count: number; lastT: number; message: string }
  | { t: number; type: 'lease_expired'; leaseId: string }
  /**
   * A lease was renewed (local target: init-renewer's renewer, agent-template's LifetimeWatcher);
   * `ttlMs` is the TTL granted, `capped` when max TTL cut it short of what was asked.
   */
  | { t: number; type: 'lease_renewed'; leaseId: string; ttlMs: number; capped: boolean }
  | { t: number; type: 'lease_revoked'; leaseId: string; reason: 'revoke' | 'cleanup' }
  /**
   * static-role: the static role's password was rotated in place (same `username`); new logins with
   * the old one fail from now on. Static credentials have no lease: `leaseId` names the static role.
   */
  | { t: number; type: 'password_rotated'; leaseId: string; username: string }
  | { t: number; type: 'warning'; message: string }
  /**
   * A load worker died or stalled before the end of its share of the schedule (issue 13): its
   * unreported requests are recorded as `not_sent` (cause `worker_lost`), and the run fails.
   */
  | { t: number; type: 'load_worker_lost'; worker: number; workers: number; reason: string; notSent: number }
  /**
   * kubernetes target: the app's Secret changed (ESO wrote new credentials). `refreshTime` is the
   * ExternalSecret's `status.refreshTime` seen last (ESO's reconcile start), when known.
   */
  | { t: number; type: 'secret_synced'; resourceVersion: string; refreshTime?: string }
  /**
   * kubernetes target: Vault leases under `<mount>/creds/<role>/` counted before or after the load.
   * `count` is the run's (issued at or after the run's start, on Vault's clock) and `preExisting`
   * the lab's from before the run. Logs without `preExisting` counted every lease in `count`.
   */
  | { t: number; type: 'leases_counted'; phase: 'before' | 'after'; count: number; preExisting?: number };

/** What caused a rotation or rollout (`rotation-period`: a static role's scheduled password rotation). */
export type RotationTrigger =
  | 'initial' | 'refresh' | 'at' | 'revoke' | 'force-sync' | 'rotate-root' | 'expiry' | 'renew' | 'rotation-period';

export type RunEventType = RunEvent['type'];

/** Something that receives events as they happen (recorder, event file, live view). */
export interface EventSink {
  emit(event: RunEvent): void;
}
