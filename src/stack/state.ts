import { join } from 'node:path';
import { readPrivateFile, removePrivateFile, stateDir, writePrivateFile } from '../runtime/private-dir.js';
import type { ReloaderName } from './stack-config.js';
import type { LabStrategyName } from './strategies/names.js';

export { stateDir } from '../runtime/private-dir.js';

/** How vaultctl reaches Vault from the host. */
export type VaultAccess =
  | { kind: 'nodeport'; url: string }
  | { kind: 'port-forward'; namespace: string; service: string; port: number };

/** Something bootstrap may have created; `created` false means it existed before and is left alone. */
export interface Owned {
  name: string;
  namespace?: string;
  created: boolean;
  /** A Helm release's chart (`hashicorp/vault-secrets-operator`): teardown clears the objects of a chart with finalizers first. Absent in older state files. */
  chart?: string;
}

/**
 * What `bootstrap` made, so `teardown` and `doctor` know where to look. Never holds a secret:
 * the Vault root token and the Postgres password live only in the cluster.
 */
export interface StackState {
  version: 1;
  mode: 'kind' | 'context';
  clusterName: string;
  kubeContext: string;
  /** The kind cluster was created by vaultctl (teardown deletes it). */
  createdCluster: boolean;
  namespaces: Owned[];
  /** Helm releases (namespace set). */
  releases: Owned[];
  /** Host ports (127.0.0.1) kind publishes; kind mode only. */
  hostPorts: {
    vault?: number;
    app?: number;
    /**
     * Every strategy's demo app host port (strategies/ports.ts), recorded when vaultctl creates the
     * kind cluster: kind maps ports only then, so a cluster made earlier (or by an older vaultctl,
     * whose state files lack this) may publish none of them. Absent means unknown.
     */
    strategyApps?: Partial<Record<LabStrategyName, number>>;
  };
  vault: VaultAccess;
  /**
   * The controller that rolls the base lab's demo app (`--reloader`), whose release is in
   * `releases`. A later bootstrap with the other one uninstalls it. Absent in older state files: Wave.
   */
  reloader?: ReloaderName;
  /** The lab strategies bootstrap installed besides the base lab, with the namespace of each (issue 12). */
  strategies?: { name: string; namespace: string }[];
  /** Where the workload lives, for doctor. */
  app: { namespace: string; deployment?: string; externalSecret?: string };
  updatedAt: string;
}

/** The state file path. */
export function statePath(env: Readonly<Record<string, string | undefined>>): string {
  return join(stateDir(env), 'state.json');
}

/** Reads the state; undefined when there is none (nothing bootstrapped, or already torn down). */
export async function readState(env: Readonly<Record<string, string | undefined>>): Promise<StackState | undefined> {
  // A symlink planted at state.json is refused rather than read.
  const text = readPrivateFile(stateDir(env), 'state.json');
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as StackState;
  return parsed && parsed.version === 1 ? parsed : undefined;
}

/** Writes the state atomically into the private state dir (refused if another user controls it), mode 0600. */
export async function writeState(env: Readonly<Record<string, string | undefined>>, state: StackState): Promise<void> {
  writePrivateFile(stateDir(env), 'state.json', JSON.stringify(state, null, 2) + '\n');
}

/** Removes the state file; missing is fine. */
export async function removeState(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  removePrivateFile(stateDir(env), 'state.json');
}

/** Marks `item` in `list`, keeping `created` true once any run created it. */
export function own(list: Owned[], item: Owned): void {
  const prev = list.find((o) => o.name === item.name && o.namespace === item.namespace);
  if (prev) {
    prev.created = prev.created || item.created;
    if (item.chart) prev.chart = item.chart;
  }
  else list.push({ ...item });
}
