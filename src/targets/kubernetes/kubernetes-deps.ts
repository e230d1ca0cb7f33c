import type { CommandRunner } from '../../ports/command-runner.js';
import type { EventSink } from '../../ports/events.js';
import type { KubeApi, KubeConfigSource } from '../../ports/kube.js';
import type { LoadGenerator } from '../../ports/load.js';
import type { VaultApi } from '../../ports/vault.js';
import type { SecretRegistry } from '../../errors/redact.js';
import type { Reporter } from '../../ports/reporter.js';
import type { Scenario } from '../../scenario/model.js';
import type { CleanupStack } from '../../runtime/cleanup-stack.js';

/** What the kubernetes target needs from outside the process; wired in cli/main.ts. */
export interface KubernetesTargetDeps {
  /** kubectl and kind (the kind kubeconfig, cluster reachability, Vault's root token, port-forwards). */
  createRunner(secrets: SecretRegistry): CommandRunner;
  /** A Kubernetes API client (the client-node adapter). */
  createKubeApi(source: KubeConfigSource): KubeApi;
  createVaultApi(opts: { endpoint: string; token: string }): VaultApi;
  load: LoadGenerator;
  /** Pause between polls; default a real timer that ends early on abort. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/** Shared by every step of a kubernetes run (the local target's LocalContext, with these deps). */
export interface KubernetesContext {
  scenario: Scenario;
  deps: KubernetesTargetDeps;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves `$VAULTCTL_CONFIG` (the lab config the stack commands use). */
  cwd: string;
  secrets: SecretRegistry;
  events: EventSink;
  reporter: Reporter;
  /** Run clock: monotonic ms since the run started. */
  now(): number;
  /** Wall clock (the force-sync annotation value). */
  wallClock(): Date;
  signal: AbortSignal;
  cleanup: CleanupStack;
}

