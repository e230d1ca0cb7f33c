import type { KubeApi } from '../../ports/kube.js';
import type { VaultApi } from '../../ports/vault.js';
import { goDuration } from '../../stack/lab.js';

/** Undoes one change to the lab; run at cleanup. */
export type Restore = () => Promise<void>;

/** Vault's role fields a write must carry again (the role read returns them; stack-facts C). */
const ROLE_FIELDS = ['db_name', 'creation_statements', 'revocation_statements', 'renew_statements', 'rollback_statements',
  'credential_type', 'default_ttl', 'max_ttl'] as const;

/**
 * Sets the lab role's `default_ttl`/`max_ttl` to the scenario's (the TTL of ESO-issued credentials
 * comes from the Vault role, not from the scenario file) and returns how to put the old ones back.
 * The whole role is written again, so a Vault that replaces instead of merging keeps its statements.
 * Undefined when the role already has these TTLs.
 */
export async function applyRoleTtl(vault: VaultApi, o: { mount: string; role: string; defaultTtlMs: number; maxTtlMs: number }):
  Promise<Restore | undefined> {
  const path = `${o.mount.replace(/^\/+|\/+$/g, '')}/roles/${o.role}`;
  const current = (await vault.read(path)).data ?? {};
  const body: Record<string, unknown> = {};
  for (const k of ROLE_FIELDS) if (current[k] !== undefined && current[k] !== null) body[k] = current[k];
  const wanted = { default_ttl: Math.round(o.defaultTtlMs / 1000), max_ttl: Math.round(o.maxTtlMs / 1000) };
  if (Number(current.default_ttl) === wanted.default_ttl && Number(current.max_ttl) === wanted.max_ttl) return undefined;
  await vault.write(path, { ...body, ...wanted });
  return async () => { await vault.write(path, body); };
}

/**
 * Sets the ExternalSecret's `spec.refreshInterval`. ESO refreshes at once when the spec changes
 * (the generation is part of syncedResourceVersion; stack-facts F), so this causes one sync — and
 * one rollout — before the load starts. `0` is never written: it would stop every later refresh,
 * force-sync included; callers pass a long interval instead.
 */
export async function applyRefreshInterval(kube: KubeApi, o: { namespace: string; name: string; intervalMs: number }):
  Promise<Restore | undefined> {
  const es = await kube.readExternalSecret(o.namespace, o.name);
  const previous = es.spec?.refreshInterval;
  const wanted = goDuration(o.intervalMs);
  if (previous === wanted) return undefined;
  await kube.patchExternalSecret(o.namespace, o.name, { spec: { refreshInterval: wanted } });
  return async () => {
    await kube.patchExternalSecret(o.namespace, o.name, { spec: { refreshInterval: previous ?? null } });
  };
}

/**
 * Sets the Deployment's replicas and rolling-update knobs to the scenario's. Neither is part of
 * the pod template, so no rollout follows (pods are added or removed). Undefined when unchanged.
 */
export async function applyWorkloadShape(kube: KubeApi, o: { namespace: string; name: string; replicas: number; maxSurge: number;
  maxUnavailable: number }): Promise<Restore | undefined> {
  const d = await kube.readDeployment(o.namespace, o.name);
  const prev = { replicas: d.spec?.replicas ?? 1, rollingUpdate: d.spec?.strategy?.rollingUpdate ?? {} };
  const ru = prev.rollingUpdate;
  if (prev.replicas === o.replicas && ru.maxSurge === o.maxSurge && ru.maxUnavailable === o.maxUnavailable) return undefined;
  await kube.patchDeployment(o.namespace, o.name, {
    spec: { replicas: o.replicas, strategy: { rollingUpdate: { maxSurge: o.maxSurge, maxUnavailable: o.maxUnavailable } } },
  });
  return async () => {
    await kube.patchDeployment(o.namespace, o.name, {
      spec: { replicas: prev.replicas, strategy: { rollingUpdate: { maxSurge: ru.maxSurge ?? null, maxUnavailable: ru.maxUnavailable ?? null } } },
    });
  };
}
