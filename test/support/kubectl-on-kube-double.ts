/**
 * A {@link CommandRunner} whose `kubectl get pods` and `kubectl logs --selector` read the pods of a
 * kube double over HTTP, so a label selector is matched by the double against the labels a test
 * gave each pod (as an API server matches them), not by a scripted reply that ignores it. Every
 * other command goes to a {@link FakeCommandRunner}. Pod logs are scripted per pod name.
 */
import type { CommandRunner, RunOptions, RunResult, RunningCommand } from '../../src/ports/command-runner.js';
import type { KubeDouble } from './kube-double.js';
import { FakeCommandRunner } from './fake-command-runner.js';

type Pod = { metadata: { name: string; labels?: Record<string, string> }; spec?: { containers?: { name: string }[] } };

export class KubectlOnKubeDouble implements CommandRunner {
  readonly fallback = new FakeCommandRunner();
  /** Every argv this runner saw, joined by spaces. */
  readonly lines: string[] = [];
  /** Log lines per pod name, as its containers would print them. */
  readonly podLogs = new Map<string, string[]>();

  constructor(private readonly double: KubeDouble) {}

  async run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    this.lines.push(argv.join(' '));
    const args = withoutContext(argv);
    const namespace = flag(args, '--namespace');
    const selector = flag(args, '--selector');
    if (args[0] === 'kubectl' && args[1] === 'get' && args[2] === 'pods' && namespace) {
      const items = await this.listPods(namespace, selector);
      return { exitCode: 0, stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), stderr: '' };
    }
    if (args[0] === 'kubectl' && args[1] === 'logs' && selector && namespace) {
      const pods = await this.listPods(namespace, selector);
      // kubectl's answer when the selector matches nothing: exit 0, a note on stderr.
      if (pods.length === 0) return { exitCode: 0, stdout: '', stderr: `No resources found in ${namespace} namespace.` };
      const out = pods.flatMap((p) => (p.spec?.containers ?? [{ name: 'main' }]).flatMap((c) =>
        (this.podLogs.get(p.metadata.name) ?? []).map((l) => `[pod/${p.metadata.name}/${c.name}] ${l}`)));
      return { exitCode: 0, stdout: out.join('\n'), stderr: '' };
    }
    return this.fallback.run(argv, opts);
  }

  start(argv: string[]): RunningCommand {
    return this.fallback.start(argv);
  }

  private async listPods(namespace: string, selector?: string): Promise<Pod[]> {
    const q = selector ? `?labelSelector=${encodeURIComponent(selector)}` : '';
    const res = await fetch(`${this.double.server}/api/v1/namespaces/${namespace}/pods${q}`, { headers: { authorization: 'Bearer double-token' } });
    if (!res.ok) throw new Error(`kube double: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { items: Pod[] }).items;
  }
}

function withoutContext(argv: string[]): string[] {
  return argv.filter((a, i) => a !== '--context' && argv[i - 1] !== '--context');
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
