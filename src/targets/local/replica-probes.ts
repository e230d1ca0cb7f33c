import type { ProbeSpec, WorkloadSpec } from '../../scenario/model.js';
import { ProbeLoop, runProbe, type ProbeResult, type ProbeTarget } from './probes.js';

/** What a replica does when its probes change state. */
export interface ProbeHandlers {
  /** Readiness crossed a threshold: `ok` passes (successThreshold in a row) or fails (failureThreshold). */
  readiness(ok: boolean, result: ProbeResult): void;
  /** Liveness failed `failureThreshold` times in a row. */
  livenessFailed(spec: ProbeSpec, result: ProbeResult): void;
}

/**
 * The probes of one replica process, started with it and stopped when it terminates or exits.
 * Readiness starts as failing (a pod is not Ready until its probe passes) and liveness as passing,
 * as the kubelet's probe workers do.
 */
export class ReplicaProbes {
  /** What the readiness probe saw last, for the message when a replica is never ready. */
  lastReadiness?: ProbeResult;
  private readonly loops: ProbeLoop[] = [];

  constructor(workload: WorkloadSpec, target: ProbeTarget, handlers: ProbeHandlers) {
    const run = (spec: ProbeSpec) => () => runProbe(spec.check, target, spec.timeoutMs);
    const readiness = run(workload.readiness);
    this.loops.push(new ProbeLoop(workload.readiness, async () => (this.lastReadiness = await readiness()), false,
      (ok, r) => handlers.readiness(ok, r)));
    const liveness = workload.liveness;
    if (liveness) {
      this.loops.push(new ProbeLoop(liveness, run(liveness), true, (ok, r) => ok || handlers.livenessFailed(liveness, r)));
    }
  }

  start(): void {
    for (const l of this.loops) l.start();
  }

  stop(): void {
    for (const l of this.loops) l.stop();
  }
}
