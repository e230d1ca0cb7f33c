import { BugError } from '../../errors/errors.js';
import { checkPrerequisites } from '../prerequisites.js';
import { helmReleases, renderKindConfig, renderPostgres, toYaml, type HelmRelease, type KubeObject } from '../manifests/index.js';
import { own } from '../state.js';
import { labAppHostPorts } from '../strategies/ports.js';
import { Kind } from '../tools/kind.js';
import type { Component, StackContext } from './context.js';
import { generateAdminPassword, generateRootToken, readPostgresAdminPassword, readVaultRootToken } from './lab-secrets.js';
import type { Step } from './step.js';
import { human } from './wait.js';

/** Prerequisites: docker + kind only when vaultctl makes the cluster. */
export const prerequisitesStep: Step = {
  title: (ctx) => `Checking prerequisites (${ctx.mode === 'kind' ? 'docker, kind, ' : ''}helm, kubectl)`,
  component: 'host',
  async run(ctx) {
    const found = await checkPrerequisites(ctx.runner, { kindMode: ctx.mode === 'kind', signal: ctx.signal });
    return found.map((t) => `${t.name} ${t.version}`).join(', ');
  },
};

/** The kind cluster (created unless `kind get clusters` lists it), or a check of the given context. */
export const clusterStep: Step = {
  title: (ctx) => (ctx.mode === 'kind' ? `Creating kind cluster "${ctx.cfg.clusterName}"` : `Using kube context "${ctx.kubeContext}"`),
  component: 'cluster',
  async run(ctx) {
    if (ctx.mode === 'context') {
      await ctx.kubectl.clusterInfo();
      return 'reachable';
    }
    const name = ctx.cfg.clusterName;
    if ((await ctx.kind.getClusters()).includes(name)) return `already exists (context ${Kind.contextOf(name)})`;
    await ctx.kind.createCluster(name, '-', human(ctx.cfg.waits.timeoutMs), toYaml([renderKindConfig(ctx.cfg) as KubeObject]));
    ctx.createdNow.cluster = true;
    ctx.state.createdCluster = true;
    // Created from renderKindConfig, which maps every strategy's demo app port (strategies/ports.ts).
    ctx.state.hostPorts = { ...ctx.state.hostPorts, strategyApps: labAppHostPorts(ctx.cfg) };
    return `created (context ${Kind.contextOf(name)})`;
  },
};

/** Reuses the secrets an earlier bootstrap put in the cluster; generates them otherwise. */
export const secretsStep: Step = {
  title: () => 'Preparing lab secrets (Vault dev root token, Postgres admin password)',
  component: 'cluster',
  async run(ctx) {
    const token = await readVaultRootToken(ctx.kubectl, ctx.cfg);
    const password = await readPostgresAdminPassword(ctx.kubectl, ctx.cfg);
    ctx.rootToken = token ?? generateRootToken();
    ctx.adminPassword = password ?? generateAdminPassword();
    ctx.secrets.add(ctx.rootToken);
    ctx.secrets.add(ctx.adminPassword);
    return `root token ${token ? 'reused' : 'generated'}, admin password ${password ? 'reused' : 'generated'} (kept in the cluster only)`;
  },
};

/** `helm repo add` for every chart repository, then one `helm repo update`. */
export const helmReposStep: Step = {
  title: (ctx) => `Adding Helm repositories (${uniqueRepos(releasesOf(ctx)).map((r) => r.repoName).join(', ')})`,
  component: 'host',
  async run(ctx) {
    const repos = uniqueRepos(releasesOf(ctx));
    for (const r of repos) await ctx.helm.repoAdd(r.repoName, r.repoUrl);
    await ctx.helm.repoUpdate(repos.map((r) => r.repoName));
  },
};

/** `helm upgrade --install` of release `index` (0 Vault, 1 ESO, 2 Wave), waiting for it. */
export function releaseStep(index: number, label: string, component: 'vault' | 'eso' | 'wave'): Step {
  return installReleaseStep(label, component, (ctx) => releasesOf(ctx)[index]);
}

/**
 * `helm upgrade --install` of the release `pick` returns (a base chart or a strategy's), waiting for
 * it; records the release and its namespace (with the chart, so teardown knows whose objects to
 * clear first) as created when they did not exist.
 */
export function installReleaseStep(label: string, component: Component, pick: (ctx: StackContext) => HelmRelease): Step {
  return {
    title: (ctx) => {
      const r = pick(ctx);
      return `Installing ${label} (${r.chart} ${r.version} in namespace ${r.namespace})`;
    },
    component,
    async run(ctx) {
      const r = pick(ctx);
      await noteNamespace(ctx, r.namespace);
      const existed = (await ctx.helm.status(r.name, r.namespace)) !== undefined;
      const created = { name: r.name, namespace: r.namespace, chart: r.chart, created: !existed };
      own(ctx.state.releases, created);
      if (!existed) ctx.createdNow.releases.push(created);
      await ctx.helm.upgradeInstall({
        release: r.name, chart: r.chart, version: r.version, namespace: r.namespace,
        valuesFiles: r.valuesFile ? [ctx.io.packageFile(r.valuesFile)] : [], set: r.set, wait: true, timeout: human(ctx.cfg.waits.timeoutMs),
      });
      return existed ? 'upgraded (already installed)' : 'installed';
    },
  };
}

/** Postgres: the official image as a StatefulSet (its Secret holds the admin password). */
export const postgresStep: Step = {
  title: (ctx) => `Applying Postgres (${ctx.cfg.postgres.image} in namespace ${ctx.cfg.postgres.namespace})`,
  component: 'postgres',
  async run(ctx) {
    await applyObjects(ctx, renderPostgres(ctx.cfg, { adminPassword: need(ctx.adminPassword, 'admin password') }));
  },
};

/** Server-side applies objects, first recording which of their namespaces this run creates. */
export async function applyObjects(ctx: StackContext, objects: KubeObject[]): Promise<void> {
  for (const o of objects) if (o.kind === 'Namespace') await noteNamespace(ctx, o.metadata.name);
  await ctx.kubectl.apply(toYaml(objects));
}

/** The releases with this run's root token: the base charts (Vault with the strategies' values), then the strategies' charts. */
export function releasesOf(ctx: StackContext): HelmRelease[] {
  return helmReleases(ctx.cfg, { vaultDevRootToken: need(ctx.rootToken, 'Vault root token') }, ctx.strategies);
}

/** Namespaces every cluster has (a strategy's chart may install into kube-system): never vaultctl's to delete. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Records whether a namespace existed before vaultctl touched it (teardown only deletes its own). */
async function noteNamespace(ctx: StackContext, name: string): Promise<void> {
  if (SYSTEM_NAMESPACES.includes(name)) return;
  if (ctx.state.namespaces.some((n) => n.name === name) || ctx.createdNow.namespaces.some((n) => n.name === name)) return;
  const existed = (await ctx.kubectl.get(`namespace/${name}`, { output: 'name' })) !== '';
  const item = { name, created: !existed };
  own(ctx.state.namespaces, item);
  if (!existed) ctx.createdNow.namespaces.push(item);
}

function uniqueRepos(releases: HelmRelease[]): HelmRelease[] {
  return releases.filter((r, i) => releases.findIndex((x) => x.repoName === r.repoName) === i);
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new BugError(`the ${what} is not known yet`);
  return value;
}
