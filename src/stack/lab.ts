import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { PrerequisiteError } from '../errors/errors.js';
import { KubeApiError, type KubeApi } from '../ports/kube.js';
import type { VaultApi } from '../ports/vault.js';
import { loadLabConfig } from './config/loader.js';
import { readState, statePath } from './state.js';
import { APP_PORT, stackNames } from './manifests/index.js';
import { createStackContext } from './bootstrap/context.js';
import { readVaultRootToken } from './bootstrap/lab-secrets.js';
import { openVaultSession } from './bootstrap/steps-configure.js';
import type { CommandRunner } from '../ports/command-runner.js';
import type { KubeConfigSource } from '../ports/kube.js';
import type { Reporter } from '../ports/reporter.js';
import type { SecretRegistry } from '../errors/redact.js';
import type { CleanupStack } from '../runtime/cleanup-stack.js';

import { labDatabaseRole, type LabStrategyName } from './strategies/names.js';
import { abortableSleep } from '../runtime/timers.js';

export { goDuration } from './manifests/eso.js';
// What a run needs to know of the lab's strategies (src/targets/kubernetes reaches the stack only through this file).
export { LAB_STRATEGY_NAMES, type LabStrategyName } from './strategies/names.js';
export { APP_CONTAINER } from './manifests/names.js';
export { VSO_NAMES, VSO_RESTARTED_AT } from './strategies/vso-names.js';
export { AGENT_INJECT_STATUS, AGENT_SIDECAR } from './strategies/agent-template.js';

/** What opening the lab needs: the kubernetes target's clients and the run's context. */
export interface LabAccess {
  deps: {
    createRunner(secrets: SecretRegistry): CommandRunner;
    createKubeApi(source: KubeConfigSource): KubeApi;
    createVaultApi(opts: { endpoint: string; token: string }): VaultApi;
    sleep?(ms: number, signal: AbortSignal): Promise<void>;
  };
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves `$VAULTCTL_CONFIG`. */
  cwd: string;
  secrets: SecretRegistry;
  reporter: Reporter;
  now(): number;
  signal: AbortSignal;
  /** Port-forwards and the Vault session are closed through it. */
  cleanup: CleanupStack;
}

/** The bootstrap that makes a lab holding `strategy`'s copy of the demo app. */
function bootstrapHint(strategy: LabStrategyName): string {
  return strategy === 'secret-sync-restart'
    ? 'run `vaultctl bootstrap` first (kind + Vault + Postgres + ESO + Wave + the demo app), then rotate-test again'
    : `run \`vaultctl bootstrap --strategies ${strategy}\` first (the lab, plus ${strategy} and its copy of the demo app), then rotate-test again`;
}

/** The lab as a run uses it: clients, names and the address the load goes to. */
export interface Lab {
  kube: KubeApi;
  vault: VaultApi;
  /** kubeconfig context of the lab. */
  context: string;
  /** The demo app from the host: kind's NodePort mapping, else a kubectl port-forward. */
  appUrl: string;
  /** The demo app as pods reach it: its Service's cluster DNS name (load workers send here). */
  serviceUrl: string;
  /** The stock node image the lab runs its bundles on (lab config `app.image`). */
  appImage: string;
  namespace: string;
  deployment: string;
  externalSecret: string;
  /** The Secret ESO (or VSO) writes and the pods read; CSI and the agent write files instead. */
  secret: string;
  /** The delivery strategy whose copy of the demo app this is (its namespace, role and controller). */
  strategy: LabStrategyName;
  /** Selects the demo app's Deployment, ReplicaSets and Pods. */
  labelSelector: string;
  /** Vault database mount, the strategy's dynamic role (strategies/names.ts labDatabaseRole) and the connection. */
  mount: string;
  role: string;
  connection: string;
  /** How long waits on the lab may take (lab config `waits.timeout`). */
  waitTimeoutMs: number;
}

/**
 * Opens the lab `vaultctl bootstrap` made: the state file says which cluster and context; the lab
 * config (`$VAULTCTL_CONFIG`, else the defaults) gives the names. A missing state file or an
 * unreachable cluster is a PrerequisiteError (exit 3) pointing at `vaultctl bootstrap`. Vault is
 * reached as bootstrap reaches it (NodePort on kind, else a port-forward) with the dev root token
 * read from the cluster; port-forwards are stopped by ctx.cleanup.
 */
export async function openLab(ctx: LabAccess, strategy: LabStrategyName = 'secret-sync-restart'): Promise<Lab> {
  const state = await readState(ctx.env);
  if (!state) throw new PrerequisiteError(`no lab found (no state file at ${statePath(ctx.env)})`, bootstrapHint(strategy));
  const configPath = ctx.env.VAULTCTL_CONFIG ? resolve(ctx.cwd, ctx.env.VAULTCTL_CONFIG) : undefined;
  const cfg = await loadLabConfig(configPath, (p) => readFile(p, 'utf8'));
  cfg.clusterName = state.clusterName;
  if (state.mode === 'context') cfg.kubeContext = state.kubeContext;
  const n = stackNames(cfg);
  const runner = ctx.deps.createRunner(ctx.secrets);
  const stack = createStackContext({
    cfg, runner, secrets: ctx.secrets, signal: ctx.signal, previous: state, log: (l) => ctx.reporter.info(`  ${l}`),
    io: {
      createVaultApi: (o) => ctx.deps.createVaultApi(o),
      sleep: (ms, signal) => (ctx.deps.sleep ?? abortableSleep)(ms, signal ?? ctx.signal),
      now: ctx.now, packageFile: (rel) => rel, readDemoAppBundle: async () => '',
    },
  });

  try {
    await stack.kubectl.clusterInfo();
  } catch (err) {
    if (err instanceof PrerequisiteError) throw err;
    throw new PrerequisiteError(`the lab's cluster (context ${state.kubeContext}) cannot be reached`,
      `start Docker / the cluster again, or ${bootstrapHint(strategy)}`, { cause: err });
  }
  const kubeconfig = state.mode === 'kind'
    ? (await runner.run(['kind', 'get', 'kubeconfig', '--name', state.clusterName], { signal: ctx.signal })).stdout
    : undefined;
  const kube = ctx.deps.createKubeApi(kubeconfig !== undefined ? { kubeconfig } : { context: state.kubeContext });

  const base = strategy === 'secret-sync-restart';
  const installed = state.strategies?.find((s) => s.name === strategy);
  if (!base && !installed) {
    throw new PrerequisiteError(`strategy ${strategy} is not installed in the lab (installed: ${['secret-sync-restart', ...(state.strategies ?? []).map((s) => s.name)].join(', ')})`,
      `run \`vaultctl bootstrap --strategies ${[...(state.strategies ?? []).map((s) => s.name), strategy].join(',')}\` (it keeps what is installed), then rotate-test again`);
  }
  const namespace = base ? state.app.namespace || cfg.namespace : installed!.namespace;
  const deployment = base ? state.app.deployment ?? n.appDeployment : n.appDeployment;
  try {
    await kube.readDeployment(namespace, deployment);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) {
      throw new PrerequisiteError(`the demo app (deployment ${namespace}/${deployment}) is not in the lab`, bootstrapHint(strategy));
    }
    throw err;
  }

  const token = await readVaultRootToken(stack.kubectl, cfg);
  if (!token) throw new PrerequisiteError('Vault is not installed in the lab (no dev root token found)', bootstrapHint(strategy));
  ctx.secrets.add(token);
  stack.rootToken = token;
  const session = await openVaultSession(stack);
  ctx.cleanup.defer('close the Vault connection', () => session.close());

  let appUrl: string;
  const hostPort = base ? state.hostPorts.app ?? cfg.appHostPort : state.hostPorts.strategyApps?.[strategy];
  if (state.mode === 'kind' && hostPort !== undefined) {
    appUrl = `http://127.0.0.1:${hostPort}`;
  } else {
    // A port-forward pins one pod (kubectl picks it at start): rollouts break it. Documented limitation.
    if (state.mode === 'kind') {
      ctx.reporter.info(`  ! the kind cluster maps no host port to ${strategy}'s demo app (it was created before strategies had their own); ` +
        'using a port-forward, which pins one pod: recreate the cluster (`vaultctl teardown`, then `vaultctl bootstrap`) to measure rollouts');
    }
    const pf = await stack.kubectl.portForward(`svc/${n.appService}`, namespace, APP_PORT);
    ctx.cleanup.defer('stop the app port-forward', () => pf.stop());
    appUrl = `http://127.0.0.1:${pf.localPort}`;
  }
  return {
    kube, vault: session.api, context: state.kubeContext, appUrl, namespace, deployment, strategy,
    serviceUrl: `http://${n.appService}.${namespace}.svc.cluster.local:${APP_PORT}`, appImage: cfg.app.image,
    externalSecret: state.app.externalSecret ?? n.externalSecret, secret: n.appSecret,
    labelSelector: 'app.kubernetes.io/name=demo-app',
    mount: cfg.vault.databaseMount, role: labDatabaseRole(cfg.vault.role, strategy), connection: cfg.vault.connection,
    waitTimeoutMs: cfg.waits.timeoutMs,
  };
}
