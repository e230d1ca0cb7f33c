import type { CommandRunner } from '../../ports/command-runner.js';
import type { VaultApi } from '../../ports/vault.js';
import type { SecretRegistry } from '../../errors/redact.js';
import type { StackConfig } from '../stack-config.js';
import type { Owned, StackState } from '../state.js';
import type { LabStrategy } from '../strategies/lab-strategy.js';
import { Kind } from '../tools/kind.js';
import { Helm } from '../tools/helm.js';
import { Kubectl } from '../tools/kubectl.js';

/** The stack components; a failed step prints its component's logs and events. */
export type Component = 'host' | 'cluster' | 'vault' | 'postgres' | 'eso' | 'wave' | 'reloader' | 'app' | 'strategy';

/** An open connection to Vault (a NodePort URL, or a port-forward to stop). */
export interface VaultSession {
  api: VaultApi;
  endpoint: string;
  close(): Promise<void>;
}

/** What the stack needs from outside the process besides the command runner. */
export interface StackIo {
  createVaultApi(opts: { endpoint: string; token: string }): VaultApi;
  /** Waits between polls; tests pass an instant one. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Monotonic milliseconds. */
  now(): number;
  /** Absolute path of a file shipped with vaultctl (helm values files). */
  packageFile(relative: string): string;
  readDemoAppBundle(): Promise<string>;
}

/**
 * Shared by every bootstrap step (kind's ActionContext): the config, typed tools bound to one
 * kube context, the state being built, and what earlier steps found (token, password, Vault).
 */
export interface StackContext {
  cfg: StackConfig;
  mode: 'kind' | 'context';
  kubeContext: string;
  runner: CommandRunner;
  kind: Kind;
  helm: Helm;
  kubectl: Kubectl;
  io: StackIo;
  secrets: SecretRegistry;
  log(line: string): void;
  signal?: AbortSignal;
  /** The lab strategies this bootstrap installs besides the base lab, in order (empty: the base lab alone). */
  strategies: LabStrategy[];
  /** Everything vaultctl owns across runs (written to the state file). */
  state: StackState;
  /** What this run created: the only things a failed bootstrap removes. */
  createdNow: { cluster: boolean; namespaces: Owned[]; releases: Owned[] };
  /** Vault's dev root token: read from the cluster, or generated when Vault is not installed yet. */
  rootToken?: string;
  /** Postgres admin password: read from its cluster Secret, or generated. */
  adminPassword?: string;
  vault?: VaultSession;
}

/** Builds the tools for a config: kind mode unless the config names a kube context. */
export function createStackContext(opts: {
  cfg: StackConfig; runner: CommandRunner; io: StackIo; secrets: SecretRegistry; log(line: string): void;
  signal?: AbortSignal; previous?: StackState; strategies?: LabStrategy[];
}): StackContext {
  const { cfg } = opts;
  const mode = cfg.kubeContext ? 'context' : 'kind';
  const kubeContext = cfg.kubeContext ?? Kind.contextOf(cfg.clusterName);
  const same = opts.previous && opts.previous.kubeContext === kubeContext;
  const state: StackState = same && opts.previous ? structuredClone(opts.previous) : {
    version: 1, mode, clusterName: cfg.clusterName, kubeContext, createdCluster: false, namespaces: [], releases: [],
    hostPorts: {}, vault: { kind: 'nodeport', url: '' }, app: { namespace: cfg.namespace }, updatedAt: '',
  };
  return {
    cfg, mode, kubeContext, runner: opts.runner, io: opts.io, secrets: opts.secrets, log: opts.log, signal: opts.signal, state,
    strategies: opts.strategies ?? [],
    kind: new Kind(opts.runner, opts.signal),
    helm: new Helm(opts.runner, kubeContext, opts.signal),
    kubectl: new Kubectl(opts.runner, kubeContext, opts.signal),
    createdNow: { cluster: false, namespaces: [], releases: [] },
  };
}
