import type { StackConfig } from '../stack-config.js';
import { LAB_STRATEGY_NAMES, type LabStrategyName } from './names.js';

/*
 * Every strategy's copy of the demo app gets its own NodePort, published on its own host port, so
 * that `rotate-test` can send load from the host to any copy through its Service: kube-proxy spreads
 * it over every ready pod, which `kubectl port-forward` cannot do (it pins one pod). Node ports are
 * cluster-wide, so the copies cannot share one.
 */

/**
 * The NodePort and host port of `strategy`'s demo app copy: the config's `appNodePort` /
 * `appHostPort` plus the strategy's index in {@link LAB_STRATEGY_NAMES} (secret-sync-restart → the
 * base ports, vso → +1, agent-template → +2, csi → +3).
 *
 * The offsets are fixed by the list, not by the strategies a bootstrap selects, because kind maps
 * ports only when it creates the cluster: every strategy's pair is mapped then
 * (manifests/kind.ts), so a strategy added to an existing lab later finds its port already
 * published. The config checks keep these ranges clear of Vault's ports and within the port ranges
 * (config/normalize.ts).
 */
export function labAppPorts(cfg: Pick<StackConfig, 'appNodePort' | 'appHostPort'>, strategy: LabStrategyName): { nodePort: number; hostPort: number } {
  const offset = LAB_STRATEGY_NAMES.indexOf(strategy);
  if (offset < 0) throw new Error(`unknown lab strategy ${String(strategy)}`);
  return { nodePort: cfg.appNodePort + offset, hostPort: cfg.appHostPort + offset };
}

/** How many consecutive ports, from `appNodePort` and from `appHostPort`, the strategies' copies take. */
export const LAB_APP_PORT_COUNT = LAB_STRATEGY_NAMES.length;

/** Every strategy's host port, by strategy: what a kind cluster created from `cfg` publishes. */
export function labAppHostPorts(cfg: Pick<StackConfig, 'appNodePort' | 'appHostPort'>): Record<LabStrategyName, number> {
  return Object.fromEntries(LAB_STRATEGY_NAMES.map((s) => [s, labAppPorts(cfg, s).hostPort])) as Record<LabStrategyName, number>;
}
