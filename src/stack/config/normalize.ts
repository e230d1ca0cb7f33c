import { parseDuration } from '../../scenario/duration.js';
import type { StackConfig } from '../stack-config.js';
import { LAB_STRATEGY_NAMES, type LabStrategyName } from '../strategies/lab-strategy.js';
import { LAB_APP_PORT_COUNT } from '../strategies/ports.js';
import { LAB_CONFIG_API_VERSION, LAB_CONFIG_KIND, labConfigFileSchema, type LabConfigFile } from './schema.js';

const ms = (d: string | 0): number => parseDuration(String(d));

/** Turns the parsed file into the internal model (durations in ms). */
export function normalizeLabConfig(f: LabConfigFile): StackConfig {
  return {
    clusterName: f.clusterName,
    ...(f.kubeContext !== undefined ? { kubeContext: f.kubeContext } : {}),
    namespace: f.namespace,
    appHostPort: f.appHostPort,
    appNodePort: f.appNodePort,
    vaultHostPort: f.vaultHostPort,
    vaultNodePort: f.vaultNodePort,
    charts: { vault: { ...f.charts.vault }, eso: { ...f.charts.eso }, wave: { ...f.charts.wave }, reloader: { ...f.charts.reloader } },
    reloader: f.reloader,
    postgres: { ...f.postgres },
    vault: {
      databaseMount: f.vault.databaseMount,
      role: f.vault.role,
      connection: f.vault.connection,
      defaultTtlMs: ms(f.vault.defaultTtl),
      maxTtlMs: ms(f.vault.maxTtl),
      kubernetesAuthMount: f.vault.kubernetesAuthMount,
      authRole: f.vault.authRole,
      policy: f.vault.policy,
      tokenTtlMs: ms(f.vault.tokenTtl),
    },
    eso: { refreshIntervalMs: ms(f.eso.refreshInterval), serviceAccount: f.eso.serviceAccount },
    app: {
      replicas: f.app.replicas,
      maxSurge: f.app.maxSurge,
      maxUnavailable: f.app.maxUnavailable,
      preStopMs: ms(f.app.preStop),
      terminationGracePeriodMs: ms(f.app.terminationGracePeriod),
      querySleepMs: ms(f.app.querySleep),
      image: f.app.image,
    },
    strategies: orderStrategies(f.strategies),
    waits: { timeoutMs: ms(f.waits.timeout), intervalMs: ms(f.waits.interval) },
  };
}

/** Strategy names without repeats, in the order bootstrap installs them ({@link LAB_STRATEGY_NAMES}). */
export function orderStrategies(names: readonly LabStrategyName[]): LabStrategyName[] {
  return LAB_STRATEGY_NAMES.filter((n) => names.includes(n));
}

/** The configuration used when there is no `vaultctl.yaml`: every documented default. */
export function defaultStackConfig(): StackConfig {
  return normalizeLabConfig(labConfigFileSchema.parse({ apiVersion: LAB_CONFIG_API_VERSION, kind: LAB_CONFIG_KIND }));
}

// Wave's and Reloader's releases are both checked: a switch between them uninstalls the other by its coordinates.
const CHART_KEYS = ['vault', 'eso', 'wave', 'reloader'] as const;

/** A rule the schema cannot express, with the file key path it is about. */
export interface LabConfigProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Cross-field rules, checked on the normalized model so that flag/env overrides get the same
 * checks as the file. Paths use the file's key names.
 */
export function labConfigProblems(c: StackConfig): LabConfigProblem[] {
  const out: LabConfigProblem[] = [];
  const add = (path: (string | number)[], message: string) => out.push({ path, message });
  if (c.appHostPort === c.vaultHostPort) add(['vaultHostPort'], `must differ from appHostPort (both are ${c.appHostPort})`);
  if (c.appNodePort === c.vaultNodePort) add(['vaultNodePort'], `must differ from appNodePort (both are ${c.appNodePort})`);
  appPortRangeProblems(c).forEach((p) => out.push(p));
  if (c.vault.maxTtlMs < c.vault.defaultTtlMs) add(['vault', 'maxTtl'], 'must be at least vault.defaultTtl');
  if (c.vault.defaultTtlMs <= 0) add(['vault', 'defaultTtl'], 'must be greater than 0');
  // ESO's Vault generator never renews its login token, and Vault revokes every lease created with
  // a token when the token expires: a shorter token TTL would cut credentials short (stack-facts F).
  if (c.vault.tokenTtlMs < c.vault.defaultTtlMs) {
    add(['vault', 'tokenTtl'], 'must be at least vault.defaultTtl: leases are revoked when the ESO login token that created them expires');
  }
  // refreshInterval 0 means "sync once": ESO then ignores the force-sync annotation as well.
  if (c.eso.refreshIntervalMs <= 0) add(['eso', 'refreshInterval'], 'must be greater than 0 (0 would sync once and ignore forced refreshes)');
  if (c.app.maxSurge === 0 && c.app.maxUnavailable === 0) add(['app', 'maxUnavailable'], 'maxSurge and maxUnavailable cannot both be 0');
  if (c.app.maxSurge > c.app.replicas) add(['app', 'maxSurge'], `must be at most app.replicas (${c.app.replicas})`);
  if (c.app.maxUnavailable > c.app.replicas) add(['app', 'maxUnavailable'], `must be at most app.replicas (${c.app.replicas})`);
  // Kubernetes takes whole seconds for both; `sleep N` in the preStop hook too.
  if (c.app.preStopMs % 1000 !== 0) add(['app', 'preStop'], 'must be whole seconds (e.g. 5s)');
  if (c.app.terminationGracePeriodMs % 1000 !== 0) add(['app', 'terminationGracePeriod'], 'must be whole seconds (e.g. 30s)');
  if (c.app.preStopMs >= c.app.terminationGracePeriodMs) add(['app', 'preStop'], 'must be shorter than app.terminationGracePeriod');
  if (c.waits.intervalMs <= 0) add(['waits', 'interval'], 'must be greater than 0');
  if (c.waits.intervalMs > c.waits.timeoutMs) add(['waits', 'interval'], 'must not be longer than waits.timeout');
  const releases = CHART_KEYS.map((k) => c.charts[k]);
  releases.forEach((r, i) => {
    const clash = releases.findIndex((o) => o.namespace === r.namespace && o.release === r.release);
    if (clash < i) add(['charts', CHART_KEYS[i], 'release'], `release ${r.namespace}/${r.release} is used twice`);
    // `helm repo add NAME URL` cannot register one name for two URLs.
    const repoName = r.chart.split('/')[0];
    const other = releases.findIndex((o) => o.chart.split('/')[0] === repoName && o.repo !== r.repo);
    if (other >= 0 && other < i) add(['charts', CHART_KEYS[i], 'repo'], `repo name "${repoName}" already stands for ${releases[other].repo}`);
  });
  return out;
}

/** The highest NodePort of kube-apiserver's default `--service-node-port-range` (30000-32767). */
const MAX_NODE_PORT = 32767;
const MAX_HOST_PORT = 65535;

/**
 * The strategies' demo app copies take `appHostPort`..+3 and `appNodePort`..+3 (strategies/ports.ts),
 * all mapped by every kind cluster: the ranges must fit the port ranges and leave Vault's ports
 * out. Equal base ports are reported by the `must differ` rules above, not twice.
 */
function appPortRangeProblems(c: StackConfig): LabConfigProblem[] {
  const out: LabConfigProblem[] = [];
  const last = LAB_APP_PORT_COUNT - 1;
  const range = (field: string, first: number) => `${field}..${field}+${last} (${first}-${first + last})`;
  const why = `hold one port per strategy's demo app copy (${LAB_STRATEGY_NAMES.join(', ')}, in this order)`;
  if (c.appHostPort + last > MAX_HOST_PORT) {
    out.push({ path: ['appHostPort'], message: `must be at most ${MAX_HOST_PORT - last}: ${range('appHostPort', c.appHostPort)} ${why}` });
  }
  if (c.appNodePort + last > MAX_NODE_PORT) {
    out.push({ path: ['appNodePort'], message: `must be at most ${MAX_NODE_PORT - last} (NodePort range 30000-32767): ${range('appNodePort', c.appNodePort)} ${why}` });
  }
  const inside = (port: number, first: number) => port > first && port <= first + last;
  if (inside(c.vaultHostPort, c.appHostPort)) {
    out.push({ path: ['vaultHostPort'], message: `must be outside ${range('appHostPort', c.appHostPort)}, which ${why}` });
  }
  if (inside(c.vaultNodePort, c.appNodePort)) {
    out.push({ path: ['vaultNodePort'], message: `must be outside ${range('appNodePort', c.appNodePort)}, which ${why}` });
  }
  return out;
}
