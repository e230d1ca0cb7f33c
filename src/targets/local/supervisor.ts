import type { ReplicaCounts } from '../../ports/replica-counts.js';
import { join } from 'node:path';
import { ExternalError } from '../../errors/errors.js';
import type { SecretRegistry } from '../../errors/redact.js';
import type { Credentials } from '../../ports/credentials.js';
import type { EventSink, RotationTrigger } from '../../ports/events.js';
import type { ProcessSpawner } from '../../ports/process-spawner.js';
import type { RunLedger } from '../../runtime/run-ledger.js';
import type { Clock } from '../../runtime/runtime.js';
import type { DeliverySpec, WorkloadSpec } from '../../scenario/model.js';
import { makeCredentialsDir, writeCredentialsFile } from './credentials-file.js';
import { databaseUrl } from './workload-env.js';
import { Replica, ReplicaTerminatedError, type EndpointRegistry, type ReplicaExit, type ReplicaPhase } from './replica.js';
import { planRolloutStep, type PlanReplica } from './rolling-plan.js';

/** What {@link LocalSupervisor} needs. */
export interface LocalSupervisorOptions {
  workload: WorkloadSpec;
  delivery: DeliverySpec;
  /** argv of one replica. */
  command: string[];
  /** Env of every replica before PORT, HOST and credentials (include PATH when `command` needs it). */
  baseEnv: Record<string, string>;
  proxy: EndpointRegistry;
  events: EventSink;
  clock: Clock;
  secrets: SecretRegistry;
  /** Starts replicas (each recorded in the run ledger). */
  spawner: ProcessSpawner;
  /** Records the credentials dir (`via: file`) before it is created. */
  ledger: RunLedger;
  log?: (line: string) => void;
  /** Every chunk a replica writes on stdout or stderr (its log file in the results directory). */
  onReplicaOutput?: (replica: string, chunk: string) => void;
  /**
   * The run's signal. Once it aborts the run is stopping, before stop() is called: replicas that
   * exit then (Ctrl-C reaches them too) are not crashes, so they are neither reported nor restarted.
   */
  signal?: AbortSignal;
}

/** One replica as seen from outside. */
export interface ReplicaInfo {
  id: string;
  revision: number;
  phase: ReplicaPhase;
  port: number;
  pid?: number;
}

interface PendingRollout {
  revision: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Restarts after failed starts back off like CrashLoopBackOff, shortened to suit a run of minutes. */
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

/**
 * N replicas of the workload as child processes, rolled like a Kubernetes Deployment with the
 * RollingUpdate strategy (rolling-plan.ts) and ended with the Kubernetes termination sequence
 * (replica.ts). Ready replicas that crash are restarted with the same revision and credentials,
 * as the kubelet restarts a container.
 */
export class LocalSupervisor {
  private readonly replicas = new Map<string, Replica>();
  private revision = 0;
  private nextId = 1;
  private readonly credsByRevision = new Map<number, Credentials>();
  private credsDir?: { path: string; id: string };
  private fileVersion = 0;
  private readonly spawnedAtFileVersion = new WeakMap<Replica, number>();
  private readonly failedStarts = new Map<string, number>();
  private active?: { target: number; pending: PendingRollout[] };
  private state: 'new' | 'starting' | 'running' | 'stopping' = 'new';
  private stopped?: Promise<void>;

  constructor(private readonly o: LocalSupervisorOptions) {}

  /** Starts `replicas` replicas of revision 1; resolves when all are ready (each joins the proxy when ready). */
  async start(creds: Credentials): Promise<void> {
    if (this.state !== 'new') throw new Error(`LocalSupervisor.start() called twice (state ${this.state})`);
    this.state = 'starting';
    this.revision = 1;
    this.remember(1, creds);
    try {
      if (this.o.delivery.via === 'file') this.writeCredentials(creds);
      const started = Array.from({ length: this.o.workload.replicas }, () => this.spawn(1));
      await Promise.all(started);
    } catch (err) {
      await this.stop();
      throw err;
    }
    if (this.state === 'starting') this.state = 'running';
  }

  /**
   * Rolls every replica to a new revision with these credentials. A rollout started while another
   * runs supersedes it; both resolve when the newest completes. Rejects (old replicas keep
   * serving) when a new replica exits or is not ready within readiness.startupTimeoutMs.
   */
  async rollout(creds: Credentials, trigger: RotationTrigger): Promise<void> {
    if (this.state !== 'running') throw new Error(`LocalSupervisor.rollout() while ${this.state}`);
    const revision = ++this.revision;
    this.remember(revision, creds);
    if (this.o.delivery.via === 'file') this.writeCredentials(creds);
    this.o.events.emit({ t: this.o.clock.now(), type: 'rollout_started', revision, trigger, replicas: this.o.workload.replicas });
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

  /** `via: file`: re-renders the credentials file and sends SIGHUP to every serving replica; returns how many. */
  async reload(creds: Credentials): Promise<number> {
    if (this.o.delivery.via !== 'file') {
      throw new Error('LocalSupervisor.reload() needs delivery.via: file (the scenario validator rejects reload: signal with via: env)');
    }
    if (this.state !== 'running') throw new Error(`LocalSupervisor.reload() while ${this.state}`);
    this.o.secrets.add(creds.password);
    this.writeCredentials(creds);
    let signalled = 0;
    // Replicas still starting get their SIGHUP once ready (onReady): before that their handler may
    // not be installed, and Node's default action for SIGHUP is to exit.
    for (const r of this.replicas.values()) {
      if ((r.phase === 'ready' || r.phase === 'terminating') && r.everReady && r.signal('SIGHUP')) signalled++;
    }
    this.o.events.emit({ t: this.o.clock.now(), type: 'credentials_reloaded', leaseId: creds.leaseId, replicas: signalled });
    return signalled;
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
    const c: ReplicaCounts = { ready: 0, old: 0, new: 0, terminating: 0 };
    for (const r of this.replicas.values()) {
      if (r.phase === 'terminating' || r.phase === 'exited') {
        c.terminating++;
        continue;
      }
      if (r.phase === 'ready') c.ready++;
      if (r.revision === this.revision) c.new++;
      else c.old++;
    }
    return c;
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
    return this.credsDir && join(this.credsDir.path, 'credentials.json');
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopping';
    const a = this.active;
    this.active = undefined;
    for (const p of a?.pending ?? []) {
      p.reject(new ExternalError(`rollout to revision ${p.revision} was cancelled: the replicas were stopped`));
    }
    await Promise.all([...this.replicas.values()].map((r) => r.terminate({ immediate: true })));
    this.replicas.clear();
    this.credsByRevision.clear();
    if (this.credsDir) this.o.ledger.remove(this.credsDir.id);
    this.credsDir = undefined;
  }

  /** Creates a replica (or, with `id`, restarts one) and returns its start promise. */
  private spawn(revision: number, id = `r${this.nextId++}`, delayMs = 0): Promise<void> {
    const replica = new Replica({
      id, revision, command: this.o.command, env: this.envFor(revision), workload: this.o.workload,
      proxy: this.o.proxy, events: this.o.events, clock: this.o.clock, secrets: this.o.secrets, spawner: this.o.spawner,
      onCrash: (r, exit) => this.onCrash(r, exit), stopping: () => this.stopping(),
      onOutput: (r, chunk) => this.o.onReplicaOutput?.(r.id, chunk),
    });
    this.replicas.set(id, replica);
    this.spawnedAtFileVersion.set(replica, this.fileVersion);
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
      id: r.id, revision: r.revision, state: r.phase === 'exited' ? 'terminating' : r.phase,
    }));
    const w = this.o.workload;
    const step = planRolloutStep(view, { replicas: w.replicas, maxSurge: w.maxSurge, maxUnavailable: w.maxUnavailable,
      targetRevision: a.target });
    for (const id of step.terminate) this.terminate(this.replicas.get(id)!);
    for (let i = 0; i < step.create; i++) void this.spawn(a.target).catch(() => {}); // onStartFailed handles it
    if (!step.done) return;
    this.active = undefined;
    for (const p of a.pending) {
      this.o.events.emit({ t: this.o.clock.now(), type: 'rollout_completed', revision: p.revision });
      p.resolve();
    }
    for (const rev of this.credsByRevision.keys()) if (rev !== a.target) this.credsByRevision.delete(rev);
  }

  private terminate(r: Replica, immediate = false): void {
    void r.terminate({ immediate }).then(() => {
      if (this.replicas.get(r.id) === r) this.replicas.delete(r.id);
      this.kick();
    });
  }

  private onReady(r: Replica): void {
    this.failedStarts.delete(r.id);
    // It may have read the file before a reload() rewrote it.
    if (this.o.delivery.via === 'file' && (this.spawnedAtFileVersion.get(r) ?? 0) < this.fileVersion) r.signal('SIGHUP');
    this.kick();
  }

  private onStartFailed(r: Replica, err: unknown): void {
    if (this.replicas.get(r.id) === r && r.phase === 'exited') this.replicas.delete(r.id);
    // start() reports its own failures; stop() and the plan end replicas on purpose.
    if (err instanceof ReplicaTerminatedError || this.stopping()) return;
    // An initial replica (no restart recorded): start() rejects with this error and stops the rest.
    if (this.state === 'starting' && !this.failedStarts.has(r.id)) return;
    const a = this.active;
    if (a && r.revision === a.target) {
      // The new revision cannot run: stop rolling, end its unready replicas, keep the old ones.
      // The error goes to the rollout's caller, which reports it.
      this.active = undefined;
      for (const x of this.replicas.values()) if (x.revision === a.target && x.phase === 'starting') this.terminate(x, true);
      for (const p of a.pending) p.reject(err);
      return;
    }
    this.log(err instanceof Error ? err.message : String(err));
    if (a) this.kick(); // an old replica during a rollout: the plan replaces it with a new one
    else this.restart(r);
  }

  private onCrash(r: Replica, exit: ReplicaExit): void {
    if (this.replicas.get(r.id) === r) this.replicas.delete(r.id);
    if (this.stopping()) return;
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const last = r.output().split('\n').filter(Boolean).pop();
    this.log(`replica ${r.id} (revision ${r.revision}) ${how} while ready${last ? `; last output: ${last}` : ''}`);
    if (this.active && r.revision !== this.active.target) this.kick();
    else this.restart(r);
  }

  /** stop() has begun, or the run's signal says it is about to. */
  private stopping(): boolean {
    return this.state === 'stopping' || this.o.signal?.aborted === true;
  }

  /** Same id, revision and credentials, as the kubelet restarts a container in its pod. */
  private restart(r: Replica): void {
    if (this.stopping()) return; // a backed-off restart may come due after the run began stopping
    const failures = this.failedStarts.get(r.id) ?? 0;
    this.failedStarts.set(r.id, failures + 1);
    const delay = failures === 0 ? 0 : Math.min(BACKOFF_FIRST_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
    this.log(`restarting replica ${r.id} (revision ${r.revision})${delay ? ` in ${delay / 1000}s` : ''}`);
    void this.spawn(r.revision, r.id, delay).catch(() => {});
  }

  private envFor(revision: number): Record<string, string> {
    const env = { ...this.o.baseEnv };
    if (this.o.delivery.via === 'file') {
      env.CREDENTIALS_FILE = this.credentialsFile() ?? '';
    } else {
      const c = this.credsByRevision.get(revision);
      if (!c) throw new Error(`no credentials for revision ${revision}`);
      env.PGUSER = c.username;
      env.PGPASSWORD = c.password;
      // The URL form percent-encodes the password: redact that spelling too.
      this.o.secrets.add(encodeURIComponent(c.password));
    }
    // A user's workload.env may set its own DATABASE_URL.
    env.DATABASE_URL ??= databaseUrl(env);
    return env;
  }

  private remember(revision: number, creds: Credentials): void {
    this.o.secrets.add(creds.password);
    this.credsByRevision.set(revision, creds);
  }

  private writeCredentials(c: Credentials): void {
    this.credsDir ??= makeCredentialsDir(this.o.ledger);
    writeCredentialsFile(join(this.credsDir.path, 'credentials.json'), c, ++this.fileVersion);
  }

  private log(line: string): void {
    this.o.log?.(this.o.secrets.redact(line));
  }
}
