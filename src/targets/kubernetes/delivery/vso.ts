import type { RunEvent } from '../../../ports/events.js';
import type { KubeApi, KubeCustomKind } from '../../../ports/kube.js';
import { VSO_NAMES, VSO_RESTARTED_AT } from '../../../stack/lab.js';
import type { Restore } from '../lab-settings.js';
import { readyWarnings, secretVersions, type SyncSource } from '../sync-source.js';
import type { KubeDeliveryFactory, LabSetting } from './kube-delivery.js';

/*
 * `vso` in namespace vaultctl-vso: Vault Secrets Operator 1.4.1 renews the VaultDynamicSecret's lease
 * at `renewalPercent` and, when a renewal comes back truncated by max_ttl, reads new credentials,
 * rewrites the Secret and rolls the Deployment by patching `restartedAt` into its pod template.
 * Source: hashicorp/vault-secrets-operator@v1.4.1 controllers/vaultdynamicsecret_controller.go and
 * api/v1beta1/vaultdynamicsecret_types.go; ../shared/reference/delivery-strategies.md §1.
 */

/** The VaultDynamicSecret custom resource (api/v1beta1: group secrets.hashicorp.com, plural vaultdynamicsecrets). */
export const VDS_KIND: KubeCustomKind = { group: 'secrets.hashicorp.com', version: 'v1beta1', plural: 'vaultdynamicsecrets' };

/** The label vaultctl stamps on the destination Secret's spec to force a sync (any spec change bumps the generation). */
export const VSO_FORCE_SYNC_LABEL = 'vaultctl.dev/force-sync';

/** `status` fields of a VaultDynamicSecret the run reads (VaultDynamicSecretStatus, v1.4.1). */
interface VdsStatus {
  /** Unix seconds of the last successful renewal or sync (`lastRenewalTime`, set at both). */
  lastRenewalTime?: number;
  secretLease?: { id?: string; duration?: number; renewable?: boolean };
  conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
}

/**
 * A spec change of the VDS: the generation moves past `status.lastGeneration`, so VSO syncs at once
 * (reason ResourceUpdated, controller L162-186): new credentials, the Secret rewritten and, since a
 * dynamic sync always reports `updated`, the rollout restart (L357-366).
 */
export function vsoForceSync(kube: KubeApi, namespace: string, name: string): (stamp: string) => Promise<void> {
  return async (stamp) => {
    await kube.patchCustomObject(VDS_KIND, namespace, name, { spec: { destination: { labels: { [VSO_FORCE_SYNC_LABEL]: stamp } } } });
  };
}

/**
 * VSO's view of the lease, polled: a new `secretLease.id` is `credentials_issued` (VSO read new
 * credentials), a new `lastRenewalTime` on the same lease `lease_renewed` — `capped` when Vault
 * gave back less than the role's default TTL (max_ttl truncation, after which VSO reads again).
 * The destination Secret's new versions are `secret_synced`. VSO does not expose the username.
 */
export function vsoSyncSource(kube: KubeApi, o: { namespace: string; name: string; secret: string; defaultTtlMs: number }): SyncSource {
  const versions = secretVersions(kube, o.namespace, o.secret);
  const what = `VaultDynamicSecret ${o.name}`;
  const ready = readyWarnings(what);
  let last: { leaseId?: string; renewedAt?: number } | undefined;
  return {
    what,
    async poll(t) {
      const vds = await kube.readCustomObject(VDS_KIND, o.namespace, o.name);
      const st = (vds.status ?? {}) as VdsStatus;
      const out: RunEvent[] = await versions(t);
      const leaseId = st.secretLease?.id || undefined;
      const ttlMs = (st.secretLease?.duration ?? 0) * 1000;
      if (last && leaseId && leaseId !== last.leaseId) {
        out.push({ t, type: 'credentials_issued', leaseId, username: '', ttlMs, issuer: 'vso' });
      } else if (last && leaseId && st.lastRenewalTime !== undefined && st.lastRenewalTime !== last.renewedAt) {
        out.push({ t, type: 'lease_renewed', leaseId, ttlMs, capped: ttlMs < o.defaultTtlMs });
      }
      last = { leaseId, renewedAt: st.lastRenewalTime };
      out.push(...ready(t, st.conditions?.find((c) => c.type === 'Ready')));
      return out;
    },
  };
}

/** Sets one VDS spec field the scenario gives; restores the old value (absent → removed) at cleanup. */
function vdsSetting(kube: KubeApi, namespace: string, name: string, field: string, value: unknown): LabSetting {
  return {
    title: `VaultDynamicSecret ${name}: ${field} ${String(value)}`,
    name: field,
    note: 'set (VSO syncs once now: new credentials and a rollout)',
    async apply(): Promise<Restore | undefined> {
      const vds = await kube.readCustomObject(VDS_KIND, namespace, name);
      const previous = vds.spec?.[field];
      if (previous === value) return undefined;
      await kube.patchCustomObject(VDS_KIND, namespace, name, { spec: { [field]: value } });
      return async () => { await kube.patchCustomObject(VDS_KIND, namespace, name, { spec: { [field]: previous ?? null } }); };
    },
  };
}

/** The `vso` strategy on the kubernetes target. */
export const vsoDelivery: KubeDeliveryFactory = (s, lab) => {
  const name = VSO_NAMES.dynamicSecret;
  const d = s.delivery;
  const settings: LabSetting[] = [];
  const forceSync = vsoForceSync(lab.kube, lab.namespace, name);
  if (d.renewalPercent !== undefined) settings.push(vdsSetting(lab.kube, lab.namespace, name, 'renewalPercent', d.renewalPercent));
  if (d.revoke !== undefined) settings.push(vdsSetting(lab.kube, lab.namespace, name, 'revoke', d.revoke));
  return {
    settings,
    forceSync,
    reissue: forceSync,
    sync: vsoSyncSource(lab.kube, { namespace: lab.namespace, name, secret: lab.secret, defaultTtlMs: s.database.role.defaultTtlMs }),
    rolloutAnnotations: [VSO_RESTARTED_AT],
    notes: [],
  };
};
