import { ExternalError } from '../../errors/errors.js';
import type { StackContext } from './context.js';
import { human } from './wait.js';

/**
 * ESO's namespaced kinds that the lab creates, or that ESO creates for it, as CRD names
 * (`<plural>.<group>`, external-secrets/external-secrets@v2.9.0 config/crds/bases/). Four of them
 * carry a finalizer that only ESO's controller removes:
 * - ExternalSecret: `externalsecrets.external-secrets.io/externalsecret-cleanup`, added on every
 *   reconcile and removed only in the controller's deletion branch
 *   (pkg/controllers/externalsecret/externalsecret_controller.go: the constant L73, AddFinalizer
 *   L244, RemoveFinalizer L233);
 * - SecretStore `secretstore.externalsecrets.io/finalizer` (pkg/controllers/secretstore/common.go L57),
 *   PushSecret `pushsecret.externalsecrets.io/finalizer` (pkg/controllers/pushsecret/pushsecret_controller.go L74),
 *   GeneratorState `generatorstate.externalsecrets.io/finalizer` (pkg/controllers/generatorstate/generatorstate_controller.go L50).
 * VaultDynamicSecret has none (its generator returns no state, generators/v1/vault/vault.go) but
 * is ESO's too and goes with the rest. The lab makes no cluster-scoped ESO objects.
 */
export const ESO_NAMESPACED_KINDS = [
  'externalsecrets.external-secrets.io',
  'pushsecrets.external-secrets.io',
  'secretstores.external-secrets.io',
  'vaultdynamicsecrets.generators.external-secrets.io',
  'generatorstates.generators.external-secrets.io',
];

/** The label every object vaultctl applies carries (manifests/types.ts `labels`). */
export const VAULTCTL_OBJECTS = 'app.kubernetes.io/managed-by=vaultctl';

/** A namespace to clear: all of ESO's objects (it is deleted next), or only vaultctl's (it stays). */
export interface EsoScope {
  namespace: string;
  all: boolean;
}

interface Listed {
  kind: string;
  apiVersion: string;
  metadata: { name: string; namespace?: string; finalizers?: string[] };
}

type Ctx = Pick<StackContext, 'kubectl' | 'cfg' | 'io' | 'signal'>;

/**
 * Deletes ESO's objects in `scopes` and waits until they are gone, which needs ESO's controller
 * running: the ESO chart owns the CRDs (`installCRDs: true` renders them from templates/crds/,
 * helm-chart-2.9.0 hack/helm.generate.sh, with no `helm.sh/resource-policy: keep`), so once the
 * chart is uninstalled nobody removes the finalizers, the objects stay and their namespace stays
 * Terminating. Run it before uninstalling ESO and before deleting namespaces. Idempotent: missing
 * CRDs, namespaces and objects are skipped. Returns one line per namespace it cleared.
 */
export async function deleteEsoObjects(ctx: Ctx, scopes: EsoScope[]): Promise<string[]> {
  if (scopes.length === 0) return [];
  const kinds = await ctx.kubectl.existingCrds(ESO_NAMESPACED_KINDS);
  if (kinds.length === 0) return [];
  const done: string[] = [];
  for (const scope of scopes) {
    const selector = scope.all ? undefined : VAULTCTL_OBJECTS;
    if ((await list(ctx, kinds, scope.namespace, selector)).length === 0) continue;
    await ctx.kubectl.deleteAllOf(kinds, scope.namespace, selector);
    await waitGone(ctx, kinds, scope.namespace, selector);
    done.push(`External Secrets objects in namespace ${scope.namespace}`);
  }
  return done;
}

async function list(ctx: Ctx, kinds: string[], namespace: string, selector?: string): Promise<Listed[]> {
  const out = await ctx.kubectl.get(kinds.join(','), { namespace, selector, output: 'json' });
  if (!out) return [];
  const parsed = JSON.parse(out) as { items?: Listed[] };
  return parsed.items ?? [];
}

/** Polls every `waits.interval` up to `waits.timeout` until no object is left. */
async function waitGone(ctx: Ctx, kinds: string[], namespace: string, selector?: string): Promise<void> {
  const { intervalMs, timeoutMs } = ctx.cfg.waits;
  const deadline = ctx.io.now() + timeoutMs;
  for (;;) {
    const left = await list(ctx, kinds, namespace, selector);
    if (left.length === 0) return;
    if (ctx.io.now() + intervalMs > deadline) {
      const get = `kubectl --context ${ctx.kubectl.context} get ${kinds.join(',')} --namespace ${namespace}${selector ? ` --selector ${selector}` : ''}`;
      throw stuck(ctx, namespace, left, timeoutMs, get);
    }
    await ctx.io.sleep(intervalMs, ctx.signal);
  }
}

function stuck(ctx: Ctx, namespace: string, left: Listed[], timeoutMs: number, command: string): ExternalError {
  const ref = (o: Listed) => `${o.kind.toLowerCase()}.${o.apiVersion.split('/')[0]}/${o.metadata.name}`;
  const names = left.map((o) => `${ref(o)} (finalizers: ${(o.metadata.finalizers ?? []).join(', ') || 'none'})`);
  const k = `kubectl --context ${ctx.kubectl.context}`;
  const patches = left.filter((o) => (o.metadata.finalizers ?? []).length > 0)
    .map((o) => `${k} patch ${ref(o).replace('/', ' ')} --namespace ${namespace} --type=merge -p '{"metadata":{"finalizers":null}}'`);
  return new ExternalError(
    `External Secrets objects in namespace ${namespace} were not deleted after ${human(timeoutMs)}: ${names.join('; ')}`,
    {
      command,
      hint: `only External Secrets Operator's controller removes these finalizers, and it must be running: ` +
        `${k} get pods --namespace ${ctx.cfg.charts.eso.namespace}. If ESO is gone, remove the finalizers yourself` +
        (patches.length > 0 ? `:\n  ${patches.join('\n  ')}\n` : ', ') + 'then run the command again',
    },
  );
}
