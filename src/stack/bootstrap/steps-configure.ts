import { VaultApiError } from '../../ports/vault.js';
import { renderAllManifests, renderPostgres, stackNames, type KubeObject } from '../manifests/index.js';
import { configureKubernetesAuth, configureStackDatabase } from '../vault-config.js';
import type { StackContext, VaultSession } from './context.js';
import type { Step } from './step.js';
import { applyObjects } from './steps-infra.js';
import { attemptSeconds, cadence, fromCheck, pollUntil } from './wait.js';

const every = (ctx: StackContext) => cadence(ctx.cfg.waits.intervalMs, ctx.cfg.waits.timeoutMs);

/** Postgres must accept connections before Vault's database config verifies one. */
export const waitPostgresStep: Step = {
  title: (ctx) => `Waiting for Postgres (${every(ctx)})`,
  component: 'postgres',
  async run(ctx) {
    const n = stackNames(ctx.cfg);
    await pollUntil(ctx, 'Postgres', async () =>
      fromCheck(await ctx.kubectl.rolloutStatus(`statefulset/${n.postgresStatefulSet}`, ctx.cfg.postgres.namespace, attemptSeconds(ctx))));
  },
};

/** Opens the way to Vault (kind NodePort, else a port-forward) and waits for an unsealed, initialised server. */
export const waitVaultStep: Step = {
  title: (ctx) => `Waiting for Vault (${every(ctx)})`,
  component: 'vault',
  async run(ctx) {
    const session = await openVaultSession(ctx);
    ctx.vault = session;
    await pollUntil(ctx, `Vault at ${session.endpoint}`, async () => {
      try {
        const h = await session.api.health();
        return h.initialized && !h.sealed ? { ready: true } : { ready: false, output: `initialized=${h.initialized} sealed=${h.sealed}` };
      } catch (err) {
        if (err instanceof VaultApiError) return { ready: false, output: err.message };
        throw err;
      }
    });
    return session.endpoint;
  },
};

/** Kubernetes auth: method, config, policy, role for ESO's generator service account. */
export const vaultAuthStep: Step = {
  title: (ctx) => `Configuring Vault Kubernetes auth (mount ${ctx.cfg.vault.kubernetesAuthMount}, role ${ctx.cfg.vault.authRole})`,
  component: 'vault',
  async run(ctx) {
    const warnings = await configureKubernetesAuth(session(ctx).api, ctx.cfg);
    for (const w of warnings) ctx.log(`  Vault warning: ${w}`);
  },
};

/** Database engine: mount, connection to the in-cluster Postgres, dynamic role. */
export const vaultDatabaseStep: Step = {
  title: (ctx) => `Configuring Vault database engine (mount ${ctx.cfg.vault.databaseMount}, role ${ctx.cfg.vault.role})`,
  component: 'vault',
  async run(ctx) {
    const n = stackNames(ctx.cfg);
    await configureStackDatabase(session(ctx).api, ctx.cfg, {
      host: n.postgresHost, adminUser: n.postgresAdminUser, adminPassword: ctx.adminPassword ?? '',
    });
  },
};

/** ESO's ServiceAccount, generator and ExternalSecret, then the demo app (Deployment, Service, code). */
export const appStep: Step = {
  title: (ctx) => `Applying ESO resources and the demo app (namespace ${ctx.cfg.namespace})`,
  component: 'app',
  async run(ctx) {
    const adminPassword = ctx.adminPassword ?? '';
    const bundle = await ctx.io.readDemoAppBundle();
    const postgres = renderPostgres(ctx.cfg, { adminPassword }).map(key);
    const rest = renderAllManifests(ctx.cfg, { adminPassword, bundle }).filter((o) => !postgres.includes(key(o)));
    await applyObjects(ctx, rest);
  },
};

/** ESO has logged in to Vault and written the app's Secret (Ready=True, reason SecretSynced). */
export const waitExternalSecretStep: Step = {
  title: (ctx) => `Waiting for ExternalSecret ${stackNames(ctx.cfg).externalSecret} Ready/SecretSynced (${every(ctx)})`,
  component: 'app',
  async run(ctx) {
    const n = stackNames(ctx.cfg);
    await pollUntil(ctx, `ExternalSecret ${n.externalSecret}`, async () =>
      fromCheck(await ctx.kubectl.wait(`externalsecret/${n.externalSecret}`, 'condition=Ready', ctx.cfg.namespace, attemptSeconds(ctx))));
  },
};

/** The demo app's Deployment has rolled out with its credentials. */
export const waitAppStep: Step = {
  title: (ctx) => `Waiting for Deployment ${stackNames(ctx.cfg).appDeployment} rollout (${every(ctx)})`,
  component: 'app',
  async run(ctx) {
    const n = stackNames(ctx.cfg);
    await pollUntil(ctx, `Deployment ${n.appDeployment}`, async () =>
      fromCheck(await ctx.kubectl.rolloutStatus(`deployment/${n.appDeployment}`, ctx.cfg.namespace, attemptSeconds(ctx))));
    return `app on ${n.appUrlFromHost}`;
  },
};

/** Opens a Vault session: kind's NodePort mapping, or `kubectl port-forward svc/vault` elsewhere. */
export async function openVaultSession(ctx: StackContext): Promise<VaultSession> {
  const n = stackNames(ctx.cfg);
  const token = ctx.rootToken ?? '';
  if (ctx.mode === 'kind') {
    ctx.state.vault = { kind: 'nodeport', url: n.vaultAddressFromHost };
    // Keeps strategyApps: the cluster step records those when it creates the cluster with them.
    ctx.state.hostPorts = { ...ctx.state.hostPorts, vault: ctx.cfg.vaultHostPort, app: ctx.cfg.appHostPort };
    return { api: ctx.io.createVaultApi({ endpoint: n.vaultAddressFromHost, token }), endpoint: n.vaultAddressFromHost, close: async () => {} };
  }
  const vaultNs = ctx.cfg.charts.vault.namespace;
  ctx.state.vault = { kind: 'port-forward', namespace: vaultNs, service: n.vaultService, port: 8200 };
  const pf = await ctx.kubectl.portForward(`svc/${n.vaultService}`, vaultNs, 8200);
  const endpoint = `http://127.0.0.1:${pf.localPort}`;
  return { api: ctx.io.createVaultApi({ endpoint, token }), endpoint, close: () => pf.stop() };
}

function session(ctx: StackContext): VaultSession {
  if (!ctx.vault) throw new Error('Vault session not open');
  return ctx.vault;
}

function key(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
