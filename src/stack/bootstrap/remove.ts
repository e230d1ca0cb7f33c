import type { Owned } from '../state.js';
import type { StackContext } from './context.js';
import { deleteEsoObjects, type EsoScope } from './eso-objects.js';

/** What to remove: the kind cluster, or releases and namespaces in a cluster vaultctl did not make. */
export interface Removal {
  cluster: boolean;
  releases: Owned[];
  namespaces: Owned[];
  /**
   * Namespaces that stay (vaultctl did not create them) where vaultctl applied ESO objects: when
   * ESO's release goes, vaultctl's own ESO objects there (by label) go first, or they are stranded.
   */
  keptNamespaces?: string[];
}

/**
 * Removes what vaultctl created: the whole kind cluster when it made it; otherwise, in this order,
 * ESO's objects (waiting until ESO's controller removed their finalizers), its Helm releases
 * (newest first), then its namespaces. Uninstalling ESO first would strand the finalizers and
 * leave the namespaces Terminating (see eso-objects.ts). Things that existed before are left alone.
 */
export async function removeOwned(ctx: Pick<StackContext, 'kind' | 'helm' | 'kubectl' | 'cfg' | 'io' | 'signal' | 'log'>, what: Removal): Promise<string[]> {
  if (what.cluster) {
    await ctx.kind.deleteCluster(ctx.cfg.clusterName);
    return [`kind cluster ${ctx.cfg.clusterName}`];
  }
  const releases = [...what.releases].reverse().filter((x) => x.created);
  const namespaces = [...what.namespaces].reverse().filter((x) => x.created);
  const done = await deleteEsoObjects(ctx, esoScopes(ctx, releases, namespaces, what.keptNamespaces ?? []));
  for (const r of releases) {
    const ns = r.namespace ?? 'default';
    if (await ctx.helm.status(r.name, ns)) {
      await ctx.helm.uninstall(r.name, ns);
      done.push(`helm release ${ns}/${r.name}`);
    }
  }
  for (const n of namespaces) {
    await ctx.kubectl.deleteNamespace(n.name);
    done.push(`namespace ${n.name}`);
  }
  return done;
}

/** Every namespace about to be deleted; vaultctl's objects in kept ones too when ESO's release goes. */
function esoScopes(ctx: Pick<StackContext, 'cfg'>, releases: Owned[], doomed: Owned[], kept: string[]): EsoScope[] {
  const eso = ctx.cfg.charts.eso;
  const esoGoes = releases.some((r) => r.name === eso.release && (r.namespace ?? 'default') === eso.namespace);
  const scopes: EsoScope[] = doomed.map((n) => ({ namespace: n.name, all: true }));
  if (!esoGoes) return scopes;
  for (const name of new Set(kept)) {
    if (!doomed.some((n) => n.name === name)) scopes.push({ namespace: name, all: false });
  }
  return scopes;
}
