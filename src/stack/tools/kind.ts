import type { CommandRunner } from '../../ports/command-runner.js';

/**
 * Typed facade over the `kind` CLI (stack-facts.md A). Creating needs Docker; listing and
 * deleting are idempotent on kind's side (`delete cluster` of a missing cluster is not an error).
 */
export class Kind {
  constructor(private readonly runner: CommandRunner, private readonly signal?: AbortSignal) {}

  /** `kind get clusters`: one name per line ("No kind clusters found." goes to stderr). */
  async getClusters(): Promise<string[]> {
    const r = await this.runner.run(['kind', 'get', 'clusters'], { signal: this.signal });
    return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  /**
   * `kind create cluster --name N --config PATH --wait W`. `configPath` `-` reads the config
   * from `configYaml` on stdin, so no temp file is left behind. `wait` has units (`120s`).
   */
  async createCluster(name: string, configPath: string, wait: string, configYaml?: string): Promise<void> {
    await this.runner.run(['kind', 'create', 'cluster', '--name', name, '--config', configPath, '--wait', wait],
      { input: configYaml, signal: this.signal });
  }

  /** `kind delete cluster --name N`. */
  async deleteCluster(name: string): Promise<void> {
    await this.runner.run(['kind', 'delete', 'cluster', '--name', name], { signal: this.signal });
  }

  /** The kubeconfig context kind writes for a cluster. */
  static contextOf(name: string): string {
    return `kind-${name}`;
  }
}
