import { ExternalError } from '../../errors/errors.js';
import type { SpawnedProcess } from '../../ports/process-spawner.js';
import type { ProbeSpec } from '../../scenario/model.js';
import type { ProbeResult } from './probes.js';
import { ReplicaProbes } from './replica-probes.js';
import {
  describeExit, freeLoopbackPort, launchOf, OutputTail, ReplicaTerminatedError, sleep,
  type EndpointRegistry, type ReplicaExit, type ReplicaOptions, type ReplicaPhase,
} from './replica-support.js';

export { ReplicaTerminatedError, type EndpointRegistry, type ReplicaExit, type ReplicaOptions, type ReplicaPhase };

/** Kubernetes grants this one-off extension when preStop outlasts the grace period (Pod lifecycle docs). */
const PRESTOP_OVERRUN_GRACE_MS = 2000;

/**
 * One replica: a child process with Kubernetes-shaped probes (probes.ts) and the Kubernetes
 * termination sequence. Readiness decides when it is in the proxy, for its whole life: it joins
 * when the probe passes, leaves when it fails `failureThreshold` times in a row, and leaves for
 * good when terminating or crashing. A failing liveness probe kills it (the supervisor restarts it).
 */
export class Replica {
  readonly id: string;
  readonly revision: number;
  port = 0;
  phase: ReplicaPhase = 'starting';
  private child?: SpawnedProcess;
  private registered = false;
  private readonly tail = new OutputTail();
  private terminated?: Promise<void>;
  private exitInfo?: ReplicaExit;
  private readonly exited: Promise<ReplicaExit>;
  private resolveExited: (e: ReplicaExit) => void = () => {};
  /** Set when we killed the process ourselves (startup timeout), so its exit is expected. */
  private killedByUs = false;
  private sigtermSent = false;
  private hurryTimers: NodeJS.Timeout[] = [];
  private probes?: ReplicaProbes;
  /** Why vaultctl ended the process though nobody asked it to terminate (liveness). */
  private killReason?: string;
  private livenessKill?: NodeJS.Timeout;
  private resolveStarted: (how: 'ready' | 'ended') => void = () => {};
  private readonly started: Promise<'ready' | 'ended'>;
  private resolveRemoved: () => void = () => {};
  /** True once it has passed readiness (it may have served traffic and installed its handlers). */
  everReady = false;

  constructor(private readonly o: ReplicaOptions<Replica>) {
    this.id = o.id;
    this.revision = o.revision;
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    this.started = new Promise((resolve) => (this.resolveStarted = resolve));
  }

  /** Process id while the process runs. */
  get pid(): number | undefined {
    return this.exitInfo ? undefined : this.child?.pid;
  }

  /**
   * Spawns the process and resolves once its readiness probe passes (then it is in the proxy).
   * Rejects with an ExternalError when it exits first, cannot be spawned, or is not ready within
   * `readiness.startupTimeoutMs`; rejects with ReplicaTerminatedError when terminate() came first.
   */
  async start(delayMs = 0): Promise<void> {
    if (delayMs > 0) await sleep(delayMs);
    if (this.phase !== 'starting') throw new ReplicaTerminatedError(this.id);
    const port = await freeLoopbackPort();
    if (this.phase !== 'starting') throw new ReplicaTerminatedError(this.id);
    const baseEnv = this.o.envAtStart ? await this.credentialsAtStart() : this.o.env;
    if (this.phase !== 'starting') throw new ReplicaTerminatedError(this.id);
    this.port = port;
    const { argv, env, fill } = launchOf(this.o.command, baseEnv, port);
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
    const target = { port, env, fill, spawner: this.o.spawner, label: `probe of replica ${this.id}` };
    this.probes = new ReplicaProbes(this.o.workload, target, {
      readiness: (ok, r) => this.onReadiness(ok, r), livenessFailed: (spec, r) => this.onLivenessFailed(spec, r),
    });
    this.probes.start();
    await this.waitReady();
  }

  private stopProbes(): void {
    this.probes?.stop();
  }

  /** The env with this start's own credentials; an issuer that refuses fails the start (the kubelet's CrashLoopBackOff follows). */
  private async credentialsAtStart(): Promise<Record<string, string>> {
    try {
      return await this.o.envAtStart!();
    } catch (err) {
      this.onExit({ code: null, signal: null });
      throw new ExternalError(`replica ${this.id} could not get its credentials: ${this.o.secrets.redact(err instanceof Error ? err.message : String(err))}`, {
        cause: err, hint: 'the issuer refused: see the warnings above and the database log',
      });
    }
  }

  /**
   * Ends the process from inside its pod, as vault-env does when its lease watcher returns (facts
   * file §5, [BVE] main.go L339-400): SIGTERM to the app now, SIGKILL after `killAfterMs`. The
   * endpoint stays until the process is gone (nobody told the Service), so connections made in
   * between are refused. The exit is expected; the supervisor restarts the replica in place.
   */
  stopInPlace(killAfterMs: number, reason: string): boolean {
    if (this.phase !== 'ready' && this.phase !== 'unready') return false;
    this.killReason = reason;
    this.killedByUs = true;
    this.sendTerm();
    this.livenessKill = setTimeout(() => this.signal('SIGKILL'), killAfterMs);
    return true;
  }

  private onReadiness(ok: boolean, r: ProbeResult): void {
    if (this.phase !== 'starting' && this.phase !== 'ready' && this.phase !== 'unready') return;
    if (ok) {
      const first = this.phase === 'starting';
      this.phase = 'ready';
      this.everReady = true;
      this.registered = true;
      this.o.proxy.add(this.id, this.port);
      this.emit('replica_ready');
      if (first) this.resolveStarted('ready');
      else this.o.onServingChange?.(this);
    } else if (this.phase === 'ready') {
      // Out of the Service at once: the kubelet's NotReady reaches the endpoints like a deletion would.
      this.phase = 'unready';
      this.emitProbeFailed('readiness', r);
      this.unregister();
      this.o.onServingChange?.(this);
    }
  }

  /**
   * The kubelet kills a container whose liveness probe failed, with its grace period, and restarts
   * it (Pod lifecycle docs, "Container probes"). preStop is not modelled here: SIGTERM now, SIGKILL
   * after terminationGracePeriod.
   */
  private onLivenessFailed(spec: ProbeSpec, r: ProbeResult): void {
    if (this.phase === 'terminating' || this.phase === 'exited') return;
    this.killReason = `failed its liveness probe ${spec.failureThreshold} times in a row: ${r.detail}`;
    this.emitProbeFailed('liveness', r);
    this.stopProbes();
    this.unregister();
    this.sendTerm();
    this.livenessKill = setTimeout(() => this.signal('SIGKILL'), this.o.workload.terminationGracePeriodMs);
  }

  private emitProbeFailed(probe: 'readiness' | 'liveness', r: ProbeResult): void {
    this.o.events.emit({ t: this.o.clock.now(), type: 'probe_failed', replica: this.id, revision: this.revision, probe,
      message: this.o.secrets.redact(r.detail) });
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
    this.stopProbes();
    this.resolveStarted('ended');
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
    return this.o.secrets.redact(this.tail.text());
  }

  /** Until the readiness probe first passes (onReadiness put it in the proxy), it ends, or startupTimeout. */
  private async waitReady(): Promise<void> {
    const { startupTimeoutMs } = this.o.workload.readiness;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), startupTimeoutMs)));
    const outcome = await Promise.race([this.started, timeout]);
    clearTimeout(timer);
    if (outcome === 'ready') return;
    if (this.terminated) throw new ReplicaTerminatedError(this.id);
    if (outcome === 'timeout') {
      const last = this.probes?.lastReadiness;
      // Like a failed startup probe: the container is killed. It never served, so no grace.
      this.stopProbes();
      this.killedByUs = true;
      this.signal('SIGKILL');
      await this.waitExit();
      throw this.failure(`replica ${this.id} was not ready within ${startupTimeoutMs / 1000}s ` +
        `(port ${this.port}${last ? `; last readiness probe: ${last.detail}` : ''})`);
    }
    const e = await this.waitExit();
    await sleep(50); // let the last output lines arrive for the message
    throw this.failure(`replica ${this.id} ${describeExit(e)} before it was ready`);
  }

  private onExit(e: ReplicaExit): void {
    if (this.exitInfo) return;
    e = this.exitInfo = this.killReason ? { ...e, reason: this.killReason } : e;
    this.stopProbes();
    clearTimeout(this.livenessKill);
    const before = this.phase;
    this.phase = 'exited';
    const expected = before === 'terminating' || this.killedByUs || (this.o.stopping?.() ?? false);
    if (this.child?.pid !== undefined) {
      this.o.events.emit({ t: this.o.clock.now(), type: 'replica_exited', replica: this.id, revision: this.revision,
        code: e.code, signal: e.signal, expected });
    }
    const crashed = before === 'ready' || before === 'unready';
    if (crashed) this.unregister(); // no propagation delay to model, the port is dead
    this.resolveExited(e);
    this.resolveStarted('ended');
    if (crashed) this.o.onCrash?.(this, e);
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
    this.tail.push(chunk);
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
