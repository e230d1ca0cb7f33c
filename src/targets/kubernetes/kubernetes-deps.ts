import type { CommandRunner } from '../../ports/command-runner.js';
import type { KubeApi, KubeConfigSource } from '../../ports/kube.js';
import type { VaultApi } from '../../ports/vault.js';
import type { SecretRegistry } from '../../errors/redact.js';
import type { TargetContext } from '../target.js';

/** What the kubernetes target needs from outside the process; wired in cli/main.ts. */
export interface KubernetesTargetDeps {
  /** kubectl and kind (the kind kubeconfig, cluster reachability, Vault's root token, port-forwards). */
  createRunner(secrets: SecretRegistry): CommandRunner;
  /** A Kubernetes API client (the client-node adapter). */
  createKubeApi(source: KubeConfigSource): KubeApi;
  createVaultApi(opts: { endpoint: string; token: string }): VaultApi;
  /** The load worker bundle's text (dist/load-worker/bundle.cjs), for the load Job's ConfigMap. */
  readLoadWorkerBundle(): Promise<string>;
  /** Job creation → load start (time for the worker pods to start); default 30 s (job-load.ts). */
  loadJobLeadMs?: number;
  /** Pause between polls; default a real timer that ends early on abort. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/** Shared by every step of a kubernetes run: the run's context with these deps. */
export interface KubernetesContext extends TargetContext {
  deps: KubernetesTargetDeps;
}
