import { ExternalError } from '../../errors/errors.js';
import type { StackConfig } from '../stack-config.js';
import type { Owned } from '../state.js';
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

/**
 * Vault Secrets Operator's namespaced kinds (hashicorp/vault-secrets-operator@v1.4.1 chart/crds/,
 * all `scope: Namespaced`). Its controllers add a finalizer to VaultAuth, VaultConnection,
 * VaultDynamicSecret, VaultStaticSecret, VaultPKISecret and HCPVaultSecretsApp
 * (`<kind>.secrets.hashicorp.com/finalizer`: controllers/vaultdynamicsecret_controller.go L44, added
 * L716, removed in the deletion branch L816-818; vaultauth_controller.go L33; vaultconnection_controller.go
 * L31). Its CRDs are in the chart's crds/ folder, which `helm uninstall` never deletes, and the
 * chart's pre-delete hook (`--uninstall`, chart/templates/deployment.yaml L187-210) removes the
 * finalizers only in the operator's own namespace (controllers/common.go L126-130:
 * `client.InNamespace(common.OperatorNamespace)`). So the objects in a strategy namespace keep
 * theirs once VSO is gone, and that namespace stays Terminating: they go first, like ESO's.
 */
export const VSO_NAMESPACED_KINDS = [
  'vaultdynamicsecrets.secrets.hashicorp.com',
  'vaultstaticsecrets.secrets.hashicorp.com',
  'vaultpkisecrets.secrets.hashicorp.com',
  'hcpvaultsecretsapps.secrets.hashicorp.com',
  'vaultauths.secrets.hashicorp.com',
  'vaultconnections.secrets.hashicorp.com',
  'vaultauthglobals.secrets.hashicorp.com',
  'hcpauths.secrets.hashicorp.com',
  'secrettransformations.secrets.hashicorp.com',
  'csisecrets.secrets.hashicorp.com',
];

/** A controller whose objects carry finalizers only it removes: its objects go before its release. */
export interface FinalizingController {
  /** "External Secrets", in messages. */
  title: string;
  /** The controller and its short name, in the hint: "External Secrets Operator", "ESO". */
  controller: string;
  short: string;
  /** Its namespaced CRDs (`<plural>.<group>`). */
  kinds: readonly string[];
  /** Whether a recorded release is this controller's. */
  isRelease(r: Owned, cfg: StackConfig): boolean;
  /** Clear its objects only when its release is being removed (else every time, as for ESO, the base lab's). */
  onlyWhenRemoved?: boolean;
  /** Where its controller's pods run, for the hint when objects are stuck. */
  namespace(releases: readonly Owned[], cfg: StackConfig): string;
}

/** ESO (the base lab) and VSO (the `vso` strategy), in the order teardown clears them. */
export const FINALIZING_CONTROLLERS: readonly FinalizingController[] = [
  {
    title: 'External Secrets', controller: 'External Secrets Operator', short: 'ESO',
    kinds: ESO_NAMESPACED_KINDS,
    isRelease: (r, cfg) => r.name === cfg.charts.eso.release && (r.namespace ?? 'default') === cfg.charts.eso.namespace,
    namespace: (_r, cfg) => cfg.charts.eso.namespace,
  },
  {
    title: 'Vault Secrets Operator', controller: 'Vault Secrets Operator', short: 'VSO', onlyWhenRemoved: true,
    kinds: VSO_NAMESPACED_KINDS,
    // The chart recorded by bootstrap (state.ts Owned.chart), whatever the release is called.
    isRelease: (r) => r.chart?.split('/')[1] === 'vault-secrets-operator',
    namespace: (releases) => releases.find((r) => r.chart?.split('/')[1] === 'vault-secrets-operator')?.namespace ?? 'vault-secrets-operator',
  },
];

/** The label every object vaultctl applies carries (manifests/types.ts `labels`). */
export const VAULTCTL_OBJECTS = 'app.kubernetes.io/managed-by=vaultctl';

/** A namespace to clear: all of a controller's objects (it is deleted next), or only vaultctl's (it stays). */
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
  return deleteControllerObjects(ctx, FINALIZING_CONTROLLERS[0], scopes, ctx.cfg.charts.eso.namespace);
}

/** {@link deleteEsoObjects} for any {@link FinalizingController}; `podsNamespace` is named in the hint. */
export async function deleteControllerObjects(ctx: Ctx, c: FinalizingController, scopes: EsoScope[], podsNamespace: string): Promise<string[]> {
  if (scopes.length === 0) return [];
  const kinds = await ctx.kubectl.existingCrds([...c.kinds]);
  if (kinds.length === 0) return [];
  const done: string[] = [];
  for (const scope of scopes) {
    const selector = scope.all ? undefined : VAULTCTL_OBJECTS;
    if ((await list(ctx, kinds, scope.namespace, selector)).length === 0) continue;
    await ctx.kubectl.deleteAllOf(kinds, scope.namespace, selector);
    await waitGone(ctx, c, podsNamespace, kinds, scope.namespace, selector);
    done.push(`${c.title} objects in namespace ${scope.namespace}`);
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
async function waitGone(ctx: Ctx, c: FinalizingController, podsNamespace: string, kinds: string[], namespace: string, selector?: string): Promise<void> {
  const { intervalMs, timeoutMs } = ctx.cfg.waits;
  const deadline = ctx.io.now() + timeoutMs;
  for (;;) {
    const left = await list(ctx, kinds, namespace, selector);
    if (left.length === 0) return;
    if (ctx.io.now() + intervalMs > deadline) {
      const get = `kubectl --context ${ctx.kubectl.context} get ${kinds.join(',')} --namespace ${namespace}${selector ? ` --selector ${selector}` : ''}`;
      throw stuck(ctx, c, podsNamespace, namespace, left, timeoutMs, get);
    }
    await ctx.io.sleep(intervalMs, ctx.signal);
  }
}

function stuck(ctx: Ctx, c: FinalizingController, podsNamespace: string, namespace: string, left: Listed[], timeoutMs: number, command: string): ExternalError {
  const ref = (o: Listed) => `${o.kind.toLowerCase()}.${o.apiVersion.split('/')[0]}/${o.metadata.name}`;
  const names = left.map((o) => `${ref(o)} (finalizers: ${(o.metadata.finalizers ?? []).join(', ') || 'none'})`);
  const k = `kubectl --context ${ctx.kubectl.context}`;
  const patches = left.filter((o) => (o.metadata.finalizers ?? []).length > 0)
    .map((o) => `${k} patch ${ref(o).replace('/', ' ')} --namespace ${namespace} --type=merge -p '{"metadata":{"finalizers":null}}'`);
  return new ExternalError(
    `${c.title} objects in namespace ${namespace} were not deleted after ${human(timeoutMs)}: ${names.join('; ')}`,
    {
      command,
      hint: `only ${c.controller}'s controller removes these finalizers, and it must be running: ` +
        `${k} get pods --namespace ${podsNamespace}. If ${c.short} is gone, remove the finalizers yourself` +
        (patches.length > 0 ? `:\n  ${patches.join('\n  ')}\n` : ', ') + 'then run the command again',
    },
  );
}
