import type { ReplicaCounts } from '../../ports/replica-counts.js';
import { ExternalError } from '../../errors/errors.js';
import { agentPickupOf, deliveryStrategyOf } from '../../scenario/delivery-strategy.js';
import type { Credentials } from '../../ports/credentials.js';
import type { RotationTrigger } from '../../ports/events.js';
import { Replica, ReplicaTerminatedError, type ReplicaExit } from './replica.js';
import { describeExit, lastLines } from './replica-support.js';
import { ProgressDeadline, RestartBackoff } from './restart-policy.js';
import { ReplicaCredentials } from './replica-credentials.js';
import { RevisionCredentials } from './revision-credentials.js';
import { planRolloutStep, type PlanReplica } from './rolling-plan.js';
import { abandonedRolloutError, countReplicas, planState } from './supervisor-support.js';
import type { LocalSupervisorOptions, ReplicaInfo } from './supervisor-options.js';

export type { LocalSupervisorOptions, ReplicaInfo };

interface PendingRollout {
  revision: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Output lines of a failed replica that go into the log (all of them are in its log file). */
const FAILURE_LINES = 5;

/**
 * N replicas of the workload as child processes, rolled like a Kubernetes Deployment with the
 * RollingUpdate strategy (rolling-plan.ts) and ended with the Kubernetes termination sequence
 * (replica.ts). Replicas that exit, at start or later, are restarted with the same revision and
 * credentials after a CrashLoopBackOff delay, as the kubelet restarts a container; a rollout waits
 * for them until `progressDeadline` passes without progress, as a Deployment does.
 */
export class LocalSupervisor {
  private readonly replicas = new Map<string, Replica>();
  private revision = 0;
  private nextId = 1;
  private readonly credentials: RevisionCredentials;
  /** Set with `perReplica`: each replica's own credentials, issued at its start. */
  private readonly own?: ReplicaCredentials;
  /** Replicas being restarted in place (vault-env), with the delay before their new start. */
  private readonly inPlace = new WeakMap<Replica, number>();
  private readonly spawnedAtFileVersion = new WeakMap<Replica, number>();
  private readonly backoff: RestartBackoff;
  private readonly progress: ProgressDeadline;
  /** The last replica of the rollout's revision that failed, for the message when the rollout is abandoned. */
  private lastFailure?: { message: string; output: string };
  private active?: { target: number; pending: PendingRollout[] };
  private state: 'new' | 'starting' | 'running' | 'stopping' = 'new';
  private stopped?: Promise<void>;

  /** Whether a re-rendered file is followed by SIGHUP: not with agent-template's `reread` pickup. */
  private readonly signalsOnFileChange: boolean;

  constructor(private readonly o: LocalSupervisorOptions) {
    this.signalsOnFileChange = !(deliveryStrategyOf(o.delivery) === 'agent-template' && agentPickupOf(o.delivery) === 'reread');
    this.credentials = new RevisionCredentials({ via: o.delivery.via, baseEnv: o.baseEnv, secrets: o.secrets, ledger: o.ledger });
    if (o.perReplica) this.own = new ReplicaCredentials({ via: o.delivery.via, baseEnv: o.baseEnv, secrets: o.secrets, ledger: o.ledger });
    this.backoff = new RestartBackoff(o.workload.restartBackoff);
    this.progress = new ProgressDeadline(o.workload.progressDeadlineMs, () => this.abandonRollout());
  }

  /**
   * Starts `replicas` replicas of revision 1 (spread over `startSpreadMs`); resolves when all are
   * ready (each joins the proxy when ready). `creds` are revision 1's; with `perReplica` each replica gets its own instead.
   */
  async start(creds?: Credentials): Promise<void> {
    if (this.state !== 'new') throw new Error(`LocalSupervisor.start() called twice (state ${this.state})`);
    this.state = 'starting';
    this.revision = 1;
    try {
      this.setRevisionCredentials(1, creds);
      const n = this.o.workload.replicas;
      const spreadMs = this.o.startSpreadMs ?? 0;
      const started = Array.from({ length: n }, (_, i) => this.spawn(1, undefined, Math.round((i * spreadMs) / n)));
      await Promise.all(started);
    } catch (err) {
      await this.stop();
      throw err;
    }
    if (this.state === 'starting') this.state = 'running';
  }

  /**
   * Rolls every replica to a new revision with these credentials. A rollout started while another
   * runs supersedes it; both resolve when the newest completes. New replicas that fail to start
   * are restarted with back-off; the rollout rejects (old replicas keep serving) only when
   * `progressDeadlineMs` passes with no new replica becoming ready.
   */
  async rollout(creds: Credentials | undefined, trigger: RotationTrigger): Promise<void> {
    if (this.state !== 'running') throw new Error(`LocalSupervisor.rollout() while ${this.state}`);
    const revision = ++this.revision;
    this.setRevisionCredentials(revision, creds);
    this.o.events.emit({ t: this.o.clock.now(), type: 'rollout_started', revision, trigger, replicas: this.o.workload.replicas });
    this.progress.arm(); // a new revision is progress, as a new ReplicaSet is for a Deployment
    await new Promise<void>((resolve, reject) => {
      const pending = { revision, resolve, reject };
      if (this.active) {
        this.active.target = revision;
        this.active.pending.push(pending);
      } else {
        this.active = { target: revision, pending: [pending] };
      }
      this.kick();
    });
  }

  /**
   * `via: file`: re-renders the credentials file and sends SIGHUP to every serving replica; returns how many.
   * With `signal: false` (agent-template's `reread` pickup) it only re-renders: the app watches the file itself.
   */
  async reload(creds: Credentials, signal = true): Promise<number> {
    if (this.o.delivery.via !== 'file') {
      throw new Error('LocalSupervisor.reload() needs delivery.via: file (the scenario validator rejects reload: signal with via: env)');
    }
    if (this.state !== 'running') throw new Error(`LocalSupervisor.reload() while ${this.state}`);
    this.credentials.write(creds);
    if (!signal) return 0;
    let signalled = 0;
    // Replicas still starting get their SIGHUP once ready (onReady): before that their handler may
    // not be installed, and Node's default action for SIGHUP is to exit.
    for (const r of this.replicas.values()) {
      if (r.phase !== 'starting' && r.everReady && r.signal('SIGHUP')) signalled++;
    }
    this.o.events.emit({ t: this.o.clock.now(), type: 'credentials_reloaded', leaseId: creds.leaseId, replicas: signalled });
    return signalled;
  }

  /**
   * vault-env's restart (facts file §5 "Dynamic creds"): the app in replica `id` gets SIGTERM now
   * and SIGKILL after `killAfterMs`; once it has exited the same replica (id, revision) starts again
   * after `delayMs` — no surge, no rollout, no back-off — with new credentials (`perReplica`).
   * False when the replica is not serving (starting, terminating or gone).
   */
  restartInPlace(id: string, opts: { killAfterMs: number; delayMs: number; reason: string }): boolean {
    const r = this.replicas.get(id);
    if (!r || this.state !== 'running' || this.stopping()) return false;
    this.inPlace.set(r, opts.delayMs);
    if (r.stopInPlace(opts.killAfterMs, opts.reason)) return true;
    this.inPlace.delete(r);
    return false;
  }

  /**
   * A CSI rotation poll (facts file §3 "Rotation"): re-renders replica `id`'s own file in place
   * (`perReplica` with `via: file`). With `signal`, the replica gets SIGHUP: the demo app re-reads
   * its file on SIGHUP, standing in for an app that watches its mounted file. False when it is gone.
   */
  updateReplicaCredentials(id: string, creds: Credentials, signal: boolean): boolean {
    const r = this.replicas.get(id);
    if (!this.own) throw new Error('LocalSupervisor.updateReplicaCredentials() needs perReplica credentials');
    if (!r || r.phase === 'terminating' || r.phase === 'exited') return false;
    this.own.update(id, creds);
    const signalled = signal && r.phase !== 'starting' && r.everReady && r.signal('SIGHUP');
    this.o.events.emit({ t: this.o.clock.now(), type: 'credentials_reloaded', leaseId: creds.leaseId, replicas: signalled ? 1 : 0 });
    return true;
  }

  /** The credentials replica `id` was last given (`perReplica`). */
  replicaCredentials(id: string): Credentials | undefined {
    return this.own?.of(id);
  }

  /**
   * Terminates every replica (no propagation or preStop waits; SIGKILL still follows the grace
   * period), cancels a rollout in progress and removes the credentials directory. Idempotent.
   */
  stop(): Promise<void> {
    return (this.stopped ??= this.shutdown());
  }

  /** Counts for the live view. */
  counts(): ReplicaCounts {
    return countReplicas(this.replicas.values(), this.revision);
  }

  /** Every replica process the supervisor still tracks (including terminating ones). */
  list(): ReplicaInfo[] {
    return [...this.replicas.values()].map((r) => ({ id: r.id, revision: r.revision, phase: r.phase, port: r.port, pid: r.pid }));
  }

  /** The latest revision (1 after start()). */
  currentRevision(): number {
    return this.revision;
  }

  /** Path of the credentials file (`via: file`) while the supervisor runs. */
  credentialsFile(): string | undefined {
    return this.credentials.file();
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopping';
    this.progress.clear();
    const a = this.active;
    this.active = undefined;
    for (const p of a?.pending ?? []) {
      p.reject(new ExternalError(`rollout to revision ${p.revision} was cancelled: the replicas were stopped`));
    }
    await Promise.all([...this.replicas.values()].map((r) => r.terminate({ immediate: true })));
    this.replicas.clear();
    this.credentials.clear();
    this.own?.clear();
  }

  /** Keeps a revision's shared credentials; with `perReplica` they are optional (each start issues its own). */
  private setRevisionCredentials(revision: number, creds: Credentials | undefined): void {
    if (creds) this.credentials.set(revision, creds);
    else if (!this.own) throw new Error(`LocalSupervisor: no credentials for revision ${revision}`);
  }

  /** A replica's env at its start with `perReplica`: credentials issued for it now. */
  private async envAtStart(id: string): Promise<Record<string, string>> {
    const creds = await this.o.perReplica!.issue(id);
    return this.own!.envFor(id, creds);
  }

  /** Creates a replica (or, with `id`, restarts one) and returns its start promise. */
  private spawn(revision: number, id = `r${this.nextId++}`, delayMs = 0): Promise<void> {
    const replica = new Replica({
      id, revision, command: this.o.command, workload: this.o.workload,
      ...(this.own ? { env: this.o.baseEnv, envAtStart: () => this.envAtStart(id) } : { env: this.credentials.envFor(revision) }),
      proxy: this.o.proxy, events: this.o.events, clock: this.o.clock, secrets: this.o.secrets, spawner: this.o.spawner,
      onCrash: (r, exit) => this.onCrash(r, exit), stopping: () => this.stopping(),
      onServingChange: () => this.kick(),
      onOutput: (r, chunk) => this.o.onReplicaOutput?.(r.id, chunk),
    });
    this.replicas.set(id, replica);
    this.spawnedAtFileVersion.set(replica, this.credentials.version);
    const ready = replica.start(delayMs);
    ready.then(() => this.onReady(replica), (err: unknown) => this.onStartFailed(replica, err));
    return ready;
  }

  /** Applies the rolling plan until nothing more can happen now; completes the rollout when done. */
  private kick(): void {
    const a = this.active;
    // A stopping run starts no replicas; stop() cancels the rollout.
    if (!a || this.state !== 'running' || this.stopping()) return;
    const view: PlanReplica[] = [...this.replicas.values()].map((r) => ({
      id: r.id, revision: r.revision, state: planState(r.phase),
    }));
    const w = this.o.workload;
    const step = planRolloutStep(view, { replicas: w.replicas, maxSurge: w.maxSurge, maxUnavailable: w.maxUnavailable,
      targetRevision: a.target });
    for (const id of step.terminate) this.terminate(this.replicas.get(id)!);
    for (let i = 0; i < step.create; i++) void this.spawn(a.target).catch(() => {}); // onStartFailed handles it
    if (!step.done) return;
    this.active = undefined;
    this.progress.clear();
    for (const p of a.pending) {
      this.o.events.emit({ t: this.o.clock.now(), type: 'rollout_completed', revision: p.revision });
      p.resolve();
    }
    this.credentials.keepOnly(a.target);
  }

  private terminate(r: Replica, immediate = false): void {
    void r.terminate({ immediate }).then(() => {
      if (this.replicas.get(r.id) === r) this.replicas.delete(r.id);
      this.kick();
    });
  }

  private onReady(r: Replica): void {
    if (this.active && r.revision === this.active.target) this.progress.arm();
    // It may have read the file before a reload() rewrote it.
    if (this.o.delivery.via === 'file' && this.signalsOnFileChange && !this.own
      && (this.spawnedAtFileVersion.get(r) ?? 0) < this.credentials.version) r.signal('SIGHUP');
    this.kick();
  }

  private onStartFailed(r: Replica, err: unknown): void {
    if (this.replicas.get(r.id) === r && r.phase === 'exited') this.replicas.delete(r.id);
    // start() reports its own failures; stop() and the plan end replicas on purpose.
    if (err instanceof ReplicaTerminatedError || this.stopping()) return;
    // An initial replica (never restarted): start() rejects with this error and stops the rest.
    // Nothing is measured yet, so a wrong command fails the run at once instead of crash-looping.
    if (this.state === 'starting' && !this.backoff.has(r.id)) return;
    const message = err instanceof Error ? err.message : String(err);
    const output = err instanceof ExternalError && err.output ? err.output : r.output();
    this.log(`${message}${output.trim() ? `; last output:\n${lastLines(output, FAILURE_LINES)}` : ''}`);
    const a = this.active;
    if (a && r.revision === a.target) this.lastFailure = { message, output };
    // An old replica during a rollout: the plan replaces it with a new one. Otherwise the
    // kubelet's way: the same replica again, after its back-off.
    if (a && r.revision !== a.target) this.kick();
    else this.restart(r);
  }

  private onCrash(r: Replica, exit: ReplicaExit): void {
    if (this.replicas.get(r.id) === r) this.replicas.delete(r.id);
    if (this.stopping()) return;
    const inPlaceDelay = this.inPlace.get(r);
    // An old replica mid-rollout is not started again: the plan replaces it with a new one.
    if (inPlaceDelay !== undefined && !(this.active && r.revision !== this.active.target)) {
      this.log(`replica ${r.id} ${describeExit(exit)}; restarting it in place${inPlaceDelay ? ` in ${inPlaceDelay / 1000}s` : ''}`);
      void this.spawn(r.revision, r.id, inPlaceDelay).catch(() => {});
      return;
    }
    const output = r.output();
    this.log(`replica ${r.id} (revision ${r.revision}) ${describeExit(exit)} while ready` +
      `${output.trim() ? `; last output:\n${lastLines(output, FAILURE_LINES)}` : ''}`);
    if (this.active && r.revision !== this.active.target) this.kick();
    else this.restart(r);
  }

  /**
   * Past the progress deadline. A Deployment only reports ProgressDeadlineExceeded and keeps
   * trying; a run has to give its verdict, so the rollout ends here: the new revision's unready
   * replicas are stopped, the ready ones of any revision keep serving, and the caller gets the error.
   */
  private abandonRollout(): void {
    const a = this.active;
    if (!a || this.stopping()) return;
    this.active = undefined;
    for (const x of this.replicas.values()) if (x.revision === a.target && x.phase !== 'ready') this.terminate(x, true);
    const err = abandonedRolloutError(a.target, this.o.workload.progressDeadlineMs, this.lastFailure);
    this.lastFailure = undefined;
    for (const p of a.pending) p.reject(err);
  }

  /** stop() has begun, or the run's signal says it is about to. */
  private stopping(): boolean {
    return this.state === 'stopping' || this.o.signal?.aborted === true;
  }

  /** Same id, revision and credentials, as the kubelet restarts a container in its pod, after its back-off. */
  private restart(r: Replica): void {
    if (this.stopping()) return; // a backed-off restart may come due after the run began stopping
    const delay = this.backoff.next(r.id);
    this.log(`restarting replica ${r.id} (revision ${r.revision})${delay ? ` in ${delay / 1000}s (back-off)` : ''}`);
    void this.spawn(r.revision, r.id, delay).catch(() => {});
  }

  private log(line: string): void {
    this.o.log?.(this.o.secrets.redact(line));
  }
}
