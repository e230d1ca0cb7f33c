import type { CommandRunner } from '../../ports/command-runner.js';

/** Arguments of {@link Helm.upgradeInstall}. */
export interface UpgradeInstallArgs {
  release: string;
  /** `<repo>/<chart>`. */
  chart: string;
  version: string;
  namespace: string;
  valuesFiles?: string[];
  /** `--set key=value` pairs, in order. */
  set?: Record<string, string>;
  wait: boolean;
  /** Helm duration with units (`5m`). */
  timeout: string;
}

/** A release as `helm status -o json` shows it (only what vaultctl reads). */
export interface ReleaseStatus {
  name: string;
  namespace: string;
  status: string;
  version?: number;
}

/**
 * Typed facade over the `helm` CLI (stack-facts.md B; flags valid on Helm 3 and 4). Every
 * command names the kube context explicitly, so the user's current context never matters.
 */
export class Helm {
  constructor(private readonly runner: CommandRunner, private readonly kubeContext: string, private readonly signal?: AbortSignal) {}

  /** `helm repo add --force-update NAME URL` (re-adding is not an error). */
  async repoAdd(name: string, url: string): Promise<void> {
    await this.runner.run(['helm', 'repo', 'add', '--force-update', name, url], { signal: this.signal });
  }

  async repoUpdate(names: string[] = []): Promise<void> {
    await this.runner.run(['helm', 'repo', 'update', ...names], { signal: this.signal });
  }

  /** `helm upgrade --install` — creates or converges a release; `--create-namespace` included. */
  async upgradeInstall(a: UpgradeInstallArgs): Promise<void> {
    const argv = ['helm', 'upgrade', '--install', a.release, a.chart, '--kube-context', this.kubeContext,
      '--namespace', a.namespace, '--create-namespace', '--version', a.version];
    for (const f of a.valuesFiles ?? []) argv.push('--values', f);
    for (const [k, v] of Object.entries(a.set ?? {})) argv.push('--set', `${k}=${v}`);
    if (a.wait) argv.push('--wait');
    argv.push('--timeout', a.timeout);
    await this.runner.run(argv, { signal: this.signal });
  }

  /** `helm uninstall`; callers check {@link status} first, as a missing release is an error. */
  async uninstall(release: string, namespace: string): Promise<void> {
    await this.runner.run(['helm', 'uninstall', release, '--kube-context', this.kubeContext, '--namespace', namespace],
      { signal: this.signal });
  }

  /** `helm status -o json`; undefined when the release does not exist. */
  async status(release: string, namespace: string): Promise<ReleaseStatus | undefined> {
    const r = await this.runner.run(['helm', 'status', release, '--kube-context', this.kubeContext, '--namespace', namespace,
      '--output', 'json'], { allowFailure: true, signal: this.signal });
    if (r.exitCode !== 0) return undefined;
    try {
      const j = JSON.parse(r.stdout) as { name?: string; namespace?: string; version?: number; info?: { status?: string } };
      return { name: j.name ?? release, namespace: j.namespace ?? namespace, status: j.info?.status ?? 'unknown', version: j.version };
    } catch {
      return { name: release, namespace, status: 'unknown' };
    }
  }
}
