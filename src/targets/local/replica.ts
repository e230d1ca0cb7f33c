import { ExternalError } from '../../errors/errors.js';
import { fillPlaceholders, type PlaceholderName } from '../../scenario/placeholders.js';
import { databaseUrl } from './workload-env.js';
import type { SecretRegistry } from '../../errors/redact.js';
import type { EventSink } from '../../ports/events.js';
import type { ProcessSpawner, SpawnedProcess } from '../../ports/process-spawner.js';
import type { Clock } from '../../runtime/runtime.js';
import type { WorkloadSpec } from '../../scenario/model.js';
import { freeLoopbackPort, probe, sleep } from './replica-support.js';

/** The Service stand-in a replica registers with once ready (an endpoint). */
export interface EndpointRegistry {
  add(id: string, port: number): void;
  remove(id: string): void;
}

/** Where a replica is in its life. */
export type ReplicaPhase = 'starting' | 'ready' | 'terminating' | 'exited';

/** How the process ended. */
export interface ReplicaExit {
  code: number | null;
  signal: string | null;
}

/** Everything a replica needs. `env` is complete (PORT and HOST are added here). */
export interface ReplicaOptions {
  id: string;
  revision: number;
  command: string[];
  env: Record<string, string>;
  workload: WorkloadSpec;
  proxy: EndpointRegistry;
  events: EventSink;
  clock: Clock;
  secrets: SecretRegistry;
  /** Starts the process, recorded in the run ledger (a killed vaultctl's replicas are reaped by the next run). */
  spawner: ProcessSpawner;
  /** Called when a replica that was ready exits without being asked to (after replica_exited). */
  onCrash?: (replica: Replica, exit: ReplicaExit) => void;
  /** Every chunk of the process's stdout and stderr, as it comes (the replica's log file). */
  onOutput?: (replica: Replica, chunk: string) => void;
  /**
   * True once the run is stopping: an exit then is expected even before terminate() reaches this
   * replica (Ctrl-C signals vaultctl's whole process group, the replicas included).
   */
  stopping?: () => boolean;
}

const TAIL_LINES = 50;
/** Kubernetes grants this one-off extension when preStop outlasts the grace period (Pod lifecycle docs). */
const PRESTOP_OVERRUN_GRACE_MS = 2000;

/**
 * One replica: a child process with readiness polling and the Kubernetes termination sequence.
 * It registers itself with the proxy when ready and removes itself when terminating or crashing.
 */
export class Replica {
  readonly id: string;
  readonly revision: number;
  port = 0;
  phase: ReplicaPhase = 'starting';
  private child?: SpawnedProcess;
  private registered = false;
  private readonly tail: string[] = [];
  private partial = '';
  private terminated?: Promise<void>;
  private exitInfo?: ReplicaExit;
  private readonly exited: Promise<ReplicaExit>;
  private resolveExited: (e: ReplicaExit) => void = () => {};
  /** Set when we killed the process ourselves (startup timeout), so its exit is expected. */
  private killedByUs = false;
  private sigtermSent = false;
  private hurryTimers: NodeJS.Timeout[] = [];
  private resolveRemoved: () => void = () => {};
  /** True once it has passed readiness (it may have served traffic and installed its handlers). */
  everReady = false;

  constructor(private readonly o: ReplicaOptions) {
    this.id = o.id;
    this.revision = o.revision;
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  /** Process id while the process runs. */
  get pid(): number | undefined {
    return this.exitInfo ? undefined : this.child?.pid;
  }

  /**
   * Spawns the process and resolves once `GET readiness.path` answers 200 (then it is in the proxy).
   * Rejects with an ExternalError when it exits first, cannot be spawned, or is not ready within
   * `readiness.startupTimeoutMs`; rejects with ReplicaTerminatedError when terminate() came first.
   */
  async start(delayMs = 0): Promise<void> {
    if (delayMs > 0) await sleep(delayMs);
    if (this.phase !== 'starting') throw new ReplicaTerminatedError(this.id);
    const port = await freeLoopbackPort();
    if (this.phase !== 'starting') throw new ReplicaTerminatedError(this.id);
    this.port = port;
    const values = handOff(this.o.env, port);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.o.env)) env[key] = fillPlaceholders(value, values);
    env.PORT = values.port;
    env.HOST = values.host;
    const argv = this.o.command.map((arg) => fillPlaceholders(arg, values));
    const child = this.o.spawner.spawn({ argv, env, label: `replica ${this.id}` });
    this.child = child;
    if (child.pid === undefined) {
      // The executable could not be started (ENOENT, EACCES).
      const err = (await child.exited).error ?? new Error('spawn failed');
      this.onExit({ code: null, signal: null });
      throw new ExternalError(`replica ${this.id} could not be started: ${this.o.secrets.redact(err.message)}`, {
        command: this.commandLine(), cause: err,
        hint: 'check workload.command: the first element must be an absolute path or on the PATH of the replica\'s env',
      });
    }
    child.onOutput((s) => this.capture(s));
    void child.exited.then(({ code, signal }) => this.onExit({ code, signal }));
    this.o.events.emit({ t: this.o.clock.now(), type: 'replica_started', replica: this.id, revision: this.revision, port });
    await this.waitReady();
  }

  /**
   * The Kubernetes termination sequence, timed from now (T): replica_terminating at T; removal from
   * the proxy at T + endpointPropagationMs; SIGTERM at T + preStopMs (the preStop hook runs first
   * and counts against the grace period); SIGKILL at T + terminationGracePeriodMs. Resolves once
   * the process has exited and the endpoint is gone. `immediate` (shutdown) skips the propagation
   * and preStop waits but keeps the SIGKILL deadline. Idempotent.
   */
  terminate(opts: { immediate?: boolean } = {}): Promise<void> {
    if (this.terminated) {
      if (opts.immediate) this.hurry();
      return this.terminated;
    }
    if (this.phase === 'exited') return (this.terminated = Promise.resolve());
    if (!this.child) {
      this.phase = 'exited'; // not spawned yet: start() notices and gives up
      this.exitInfo = { code: null, signal: null };
      this.resolveExited(this.exitInfo);
      return (this.terminated = Promise.resolve());
    }
    this.phase = 'terminating';
    this.emit('replica_terminating');
    const w = this.o.workload;
    const propagation = opts.immediate ? 0 : w.endpointPropagationMs;
    const preStop = opts.immediate ? 0 : w.preStopMs;
    const grace = w.terminationGracePeriodMs;
    const sigkillAt = preStop >= grace && !opts.immediate ? grace + PRESTOP_OVERRUN_GRACE_MS : grace;
    const removed = new Promise<void>((resolve) => (this.resolveRemoved = resolve));
    if (!this.registered) this.resolveRemoved();
    // The endpoint goes away on its own schedule even if the process exits first: a proxy that
    // has not caught up keeps routing to the dead port, as kube-proxy does.
    const removal = setTimeout(() => this.unregister(), propagation);
    const signals = [
      setTimeout(() => this.sendTerm(), Math.min(preStop, grace)),
      setTimeout(() => this.signal('SIGKILL'), sigkillAt),
    ];
    const exited = this.exited.then(() => signals.forEach(clearTimeout));
    this.hurryTimers = [removal, ...signals];
    return (this.terminated = Promise.all([removed, exited]).then(() => undefined));
  }

  /** Shutdown overtakes a termination in progress: endpoint out and SIGTERM now; SIGKILL stays due. */
  private hurry(): void {
    clearTimeout(this.hurryTimers[0]);
    clearTimeout(this.hurryTimers[1]);
    this.unregister();
    this.sendTerm();
  }

  private sendTerm(): void {
    if (this.sigtermSent) return;
    this.sigtermSent = true;
    this.signal('SIGTERM');
  }

  /** Sends a signal if the process is alive; true when sent. */
  signal(sig: NodeJS.Signals): boolean {
    if (!this.child || this.exitInfo) return false;
    try {
      return this.child.kill(sig);
    } catch {
      return false;
    }
  }

  /** Resolves when the process has exited (or, terminated before spawning, never will run). */
  waitExit(): Promise<ReplicaExit> {
    return this.exited;
  }

  /** The last lines the process printed, redacted. */
  output(): string {
    const lines = this.partial ? [...this.tail, this.partial] : this.tail;
    return this.o.secrets.redact(lines.join('\n'));
  }

  private async waitReady(): Promise<void> {
    const { path, periodMs, startupTimeoutMs } = this.o.workload.readiness;
    const deadline = performance.now() + startupTimeoutMs;
    for (;;) {
      if (this.phase !== 'starting') break;
      if (await probe(this.port, path, Math.max(periodMs, 1000))) break;
      if (this.phase !== 'starting') break;
      if (performance.now() >= deadline) {
        // Like a failed startup probe: the container is killed. It never served, so no grace.
        this.killedByUs = true;
        this.signal('SIGKILL');
        await this.waitExit();
        throw this.failure(`replica ${this.id} was not ready within ${startupTimeoutMs / 1000}s ` +
          `(GET ${path} on port ${this.port} never answered 200)`);
      }
      await Promise.race([sleep(periodMs), this.exited]);
    }
    if (this.terminated) throw new ReplicaTerminatedError(this.id);
    if (this.phase === 'exited') {
      const e = await this.waitExit();
      await sleep(50); // let the last output lines arrive for the message
      const how = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
      throw this.failure(`replica ${this.id} ${how} before it was ready`);
    }
    this.phase = 'ready';
    this.everReady = true;
    this.registered = true;
    this.o.proxy.add(this.id, this.port);
    this.emit('replica_ready');
  }

  private onExit(e: ReplicaExit): void {
    if (this.exitInfo) return;
    this.exitInfo = e;
    const before = this.phase;
    this.phase = 'exited';
    const expected = before === 'terminating' || this.killedByUs || (this.o.stopping?.() ?? false);
    if (this.child?.pid !== undefined) {
      this.o.events.emit({ t: this.o.clock.now(), type: 'replica_exited', replica: this.id, revision: this.revision,
        code: e.code, signal: e.signal, expected });
    }
    if (before === 'ready') this.unregister(); // a crash: no propagation delay to model, the port is dead
    this.resolveExited(e);
    if (before === 'ready') this.o.onCrash?.(this, e);
  }

  private unregister(): void {
    if (this.registered) {
      this.registered = false;
      this.o.proxy.remove(this.id);
      this.emit('replica_removed');
    }
    this.resolveRemoved();
  }

  private emit(type: 'replica_ready' | 'replica_terminating' | 'replica_removed'): void {
    this.o.events.emit({ t: this.o.clock.now(), type, replica: this.id, revision: this.revision });
  }

  private capture(chunk: string): void {
    this.o.onOutput?.(this, chunk);
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    this.tail.push(...parts);
    if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES);
  }

  private failure(message: string): ExternalError {
    return new ExternalError(message, {
      command: this.commandLine(), output: this.output(),
      hint: 'check workload.command and that the database is reachable (the output above is the replica\'s last lines)',
    });
  }

  private commandLine(): string {
    return this.o.secrets.redact(this.o.command.join(' '));
  }
}

/** start() gave up because terminate() was called first; the supervisor expects and ignores it. */
export class ReplicaTerminatedError extends Error {
  constructor(id: string) {
    super(`replica ${id} was terminated before it was ready`);
    this.name = 'ReplicaTerminatedError';
  }
}

/** What `{{port}}`, `{{host}}`, `{{databaseUrl}}` and `{{credentialsFile}}` stand for in one replica. */
function handOff(env: Readonly<Record<string, string>>, port: number): Record<PlaceholderName, string> {
  // From the PG* variables, not env.DATABASE_URL: a user's DATABASE_URL may itself be a template.
  return { port: String(port), host: '127.0.0.1', databaseUrl: databaseUrl(env), credentialsFile: env.CREDENTIALS_FILE ?? '' };
}
