import type { ProcessSpawner } from '../../ports/process-spawner.js';
import type { ProbeCheck, ProbeSpec } from '../../scenario/model.js';
import { httpProbe, tcpProbe, type ProbeResult } from './probe-http.js';

export type { ProbeResult };

/** Where a probe runs: one replica's port, and for `exec` its env and the run's spawner. */
export interface ProbeTarget {
  port: number;
  env: Record<string, string>;
  /** `exec` argv with the replica's placeholders filled. */
  fill: (arg: string) => string;
  spawner: ProcessSpawner;
  /** For the run ledger: "readiness probe of replica r1". */
  label: string;
}

/** Runs one probe of any kind; never rejects. */
export function runProbe(check: ProbeCheck, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  switch (check.kind) {
    case 'httpGet': return httpProbe(target.port, check, timeoutMs);
    case 'tcpSocket': return tcpProbe(target.port, timeoutMs);
    case 'exec': return execProbe(check.command.map(target.fill), target, timeoutMs);
  }
}

/**
 * An exec probe: the command with the replica's env, through the spawner so it is in the run
 * ledger like the replica. Exit 0 is success; past the timeout it is killed and counts as failed
 * (the kubelet's exec probes honour timeoutSeconds since Kubernetes 1.20).
 */
async function execProbe(argv: string[], t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const what = `exec ${argv[0]}`;
  const child = t.spawner.spawn({ argv, env: t.env, label: t.label });
  if (child.pid === undefined) {
    const err = (await child.exited).error;
    return { ok: false, detail: `${what} could not be started: ${err?.message ?? 'spawn failed'}` };
  }
  let output = '';
  child.onOutput((s) => (output = (output + s).slice(-500)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  const last = output.trim().split('\n').pop();
  const said = last ? `: ${last}` : '';
  if (timedOut) return { ok: false, detail: `${what} did not finish within ${timeoutMs}ms` };
  if (exit.code === 0) return { ok: true, detail: `${what} exited with 0` };
  return { ok: false, detail: `${what} ${exit.signal ? `was killed by ${exit.signal}` : `exited with ${exit.code}`}${said}` };
}

/**
 * Runs a probe every `periodMs` after `initialDelayMs` and reports changes, as the kubelet's probe
 * worker (pkg/kubelet/prober/worker.go): the state flips only after `successThreshold` successes
 * or `failureThreshold` failures in a row. `initial` is the state before the first probe (false
 * for readiness, true for liveness). The next probe is scheduled when one ends, so a slow app
 * never has two probes in flight.
 */
export class ProbeLoop {
  private state: boolean;
  private last?: boolean;
  private run = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly spec: ProbeSpec,
    private readonly probe: () => Promise<ProbeResult>,
    initial: boolean,
    private readonly onChange: (ok: boolean, result: ProbeResult) => void,
  ) {
    this.state = initial;
  }

  start(): void {
    this.schedule(this.spec.initialDelayMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const r = await this.probe();
    if (this.stopped) return;
    this.run = r.ok === this.last ? this.run + 1 : 1;
    this.last = r.ok;
    const needed = r.ok ? this.spec.successThreshold : this.spec.failureThreshold;
    if (r.ok !== this.state && this.run >= needed) {
      this.state = r.ok;
      this.onChange(r.ok, r);
    }
    this.schedule(this.spec.periodMs);
  }
}
