import { formatArgv, type CommandRunner, type RunResult } from '../../ports/command-runner.js';

/** A result that may have failed, with the command line that produced it. */
export type CheckResult = RunResult & { command: string };

/** A running `kubectl port-forward`: the loopback port it listens on. */
export interface PortForward {
  localPort: number;
  stop(): Promise<void>;
}

/** How long `kubectl port-forward` may take to print its "Forwarding from" line. */
const PORT_FORWARD_READY_MS = 30_000;

/**
 * Typed facade over `kubectl`, always with an explicit `--context`. Applies are server-side
 * (`--server-side --field-manager=vaultctl`), so re-applying converges and CRs work.
 */
export class Kubectl {
  constructor(private readonly runner: CommandRunner, readonly context: string, private readonly signal?: AbortSignal) {}

  private argv(...args: string[]): string[] {
    return ['kubectl', '--context', this.context, ...args];
  }

  /** `kubectl cluster-info`: throws when the context's API server cannot be reached. */
  async clusterInfo(): Promise<void> {
    await this.runner.run(this.argv('cluster-info', '--request-timeout=20s'), { signal: this.signal });
  }

  /** `kubectl apply --server-side -f -` with the YAML on stdin. */
  async apply(yaml: string): Promise<void> {
    await this.runner.run(this.argv('apply', '--server-side', '--field-manager=vaultctl', '--force-conflicts', '-f', '-'),
      { input: yaml, signal: this.signal });
  }

  /** `kubectl rollout status KIND/NAME --timeout`; exit 0 means complete, never throws on exit. */
  async rolloutStatus(resource: string, namespace: string, timeoutSeconds: number): Promise<CheckResult> {
    return this.check(this.argv('rollout', 'status', resource, '--namespace', namespace, `--timeout=${timeoutSeconds}s`));
  }

  /** `kubectl get ... --ignore-not-found` with an output format; empty stdout means absent. */
  async get(resource: string, opts: { namespace?: string; selector?: string; output: string }): Promise<string> {
    const ns = opts.namespace ? ['--namespace', opts.namespace] : [];
    const sel = opts.selector ? ['--selector', opts.selector] : [];
    const r = await this.runner.run(this.argv('get', resource, ...ns, ...sel, '--ignore-not-found', '--output', opts.output),
      { signal: this.signal });
    return r.stdout.trim();
  }

  /** `kubectl wait --for=COND RESOURCE --timeout`; resolves with the result, never throws on exit. */
  async wait(resource: string, forCondition: string, namespace: string, timeoutSeconds: number): Promise<CheckResult> {
    return this.check(this.argv('wait', `--for=${forCondition}`, resource, '--namespace', namespace, `--timeout=${timeoutSeconds}s`));
  }

  private async check(argv: string[]): Promise<CheckResult> {
    const r = await this.runner.run(argv, { allowFailure: true, signal: this.signal });
    return { ...r, command: formatArgv(argv) };
  }

  /**
   * `kubectl port-forward svc/NAME :PORT` on 127.0.0.1: kubectl picks a free local port and
   * prints `Forwarding from 127.0.0.1:<port> -> <port>`.
   */
  async portForward(target: string, namespace: string, remotePort: number): Promise<PortForward> {
    const cmd = this.runner.start(this.argv('port-forward', target, `:${remotePort}`, '--namespace', namespace, '--address', '127.0.0.1'),
      { signal: this.signal });
    try {
      const m = await cmd.waitForLine(/Forwarding from 127\.0\.0\.1:(\d+)/, PORT_FORWARD_READY_MS);
      return { localPort: Number(m[1]), stop: () => cmd.stop() };
    } catch (err) {
      await cmd.stop();
      throw err;
    }
  }

  /**
   * The names among `crds` that exist: `kubectl get customresourcedefinition A B --ignore-not-found
   * --output name` (`customresourcedefinition.apiextensions.k8s.io/<name>` per line).
   */
  async existingCrds(crds: string[]): Promise<string[]> {
    if (crds.length === 0) return [];
    const r = await this.runner.run(this.argv('get', 'customresourcedefinition', ...crds, '--ignore-not-found', '--output', 'name'),
      { signal: this.signal });
    return r.stdout.split('\n').map((l) => l.trim().replace(/^[^/]*\//, '')).filter((n) => crds.includes(n));
  }

  /**
   * `kubectl delete T1,T2 --namespace N (--all | --selector S) --ignore-not-found --wait=false`:
   * marks the objects for deletion and returns; callers wait for their finalizers themselves.
   */
  async deleteAllOf(types: string[], namespace: string, selector?: string): Promise<void> {
    const which = selector ? ['--selector', selector] : ['--all'];
    await this.runner.run(this.argv('delete', types.join(','), '--namespace', namespace, ...which, '--ignore-not-found', '--wait=false'),
      { signal: this.signal });
  }

  /** `kubectl delete namespace N --ignore-not-found --wait`. */
  async deleteNamespace(name: string, timeoutSeconds = 300): Promise<void> {
    await this.runner.run(this.argv('delete', 'namespace', name, '--ignore-not-found', '--wait', `--timeout=${timeoutSeconds}s`),
      { signal: this.signal });
  }

  /** The last log lines of a workload (`deployment/x`) or of pods matching `-l selector`; never throws. */
  async logs(target: { resource: string } | { selector: string }, namespace: string, tail = 100): Promise<string> {
    const what = 'resource' in target ? [target.resource] : ['--selector', target.selector];
    const r = await this.runner.run(this.argv('logs', ...what, '--namespace', namespace, '--all-containers', `--tail=${tail}`, '--prefix'),
      { allowFailure: true, signal: this.signal });
    return [r.stdout, r.stderr].filter((s) => s.trim()).join('\n');
  }

  /** The namespace's events, oldest first; never throws. */
  async events(namespace: string): Promise<string> {
    const r = await this.runner.run(this.argv('get', 'events', '--namespace', namespace, '--sort-by=.lastTimestamp'),
      { allowFailure: true, signal: this.signal });
    return [r.stdout, r.stderr].filter((s) => s.trim()).join('\n');
  }
}
