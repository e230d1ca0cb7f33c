import type { Owned } from '../state.js';
import type { StackContext } from './context.js';
import { deleteControllerObjects, FINALIZING_CONTROLLERS, type EsoScope, type FinalizingController } from './eso-objects.js';

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
 * ESO's and then VSO's objects (waiting until each controller removed their finalizers), its Helm releases
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
  const done: string[] = [];
  // ESO's objects, then VSO's (eso-objects.ts), each while its controller still runs. VSO's only
  // matter when its release goes: while it runs, it removes its finalizers as namespaces go.
  for (const c of FINALIZING_CONTROLLERS) {
    if (c.onlyWhenRemoved && !releases.some((r) => c.isRelease(r, ctx.cfg))) continue;
    const scopes = controllerScopes(ctx, c, releases, namespaces, what.keptNamespaces ?? []);
    done.push(...await deleteControllerObjects(ctx, c, scopes, c.namespace(what.releases, ctx.cfg)));
  }
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

/** Every namespace about to be deleted; vaultctl's objects in kept ones too when the controller's release goes. */
function controllerScopes(ctx: Pick<StackContext, 'cfg'>, c: FinalizingController, releases: Owned[], doomed: Owned[], kept: string[]): EsoScope[] {
  const goes = releases.some((r) => c.isRelease(r, ctx.cfg));
  const scopes: EsoScope[] = doomed.map((n) => ({ namespace: n.name, all: true }));
  if (!goes) return scopes;
  for (const name of new Set(kept)) {
    if (!doomed.some((n) => n.name === name)) scopes.push({ namespace: name, all: false });
  }
  return scopes;
}
