import type { Owned } from '../state.js';
import type { StackContext } from './context.js';

/** What to remove: the kind cluster, or releases and namespaces in a cluster vaultctl did not make. */
export interface Removal {
  cluster: boolean;
  releases: Owned[];
  namespaces: Owned[];
}

/**
 * Removes what vaultctl created: the whole kind cluster when it made it; otherwise its Helm
 * releases (newest first) and then its namespaces. Things that existed before are left alone.
 */
export async function removeOwned(ctx: Pick<StackContext, 'kind' | 'helm' | 'kubectl' | 'cfg' | 'log'>, what: Removal): Promise<string[]> {
  const done: string[] = [];
  if (what.cluster) {
    await ctx.kind.deleteCluster(ctx.cfg.clusterName);
    return [`kind cluster ${ctx.cfg.clusterName}`];
  }
  for (const r of [...what.releases].reverse().filter((x) => x.created)) {
    const ns = r.namespace ?? 'default';
    if (await ctx.helm.status(r.name, ns)) {
      await ctx.helm.uninstall(r.name, ns);
      done.push(`helm release ${ns}/${r.name}`);
    }
  }
  for (const n of [...what.namespaces].reverse().filter((x) => x.created)) {
    await ctx.kubectl.deleteNamespace(n.name);
    done.push(`namespace ${n.name}`);
  }
  return done;
}
