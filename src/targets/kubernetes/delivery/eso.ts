import { FORCE_SYNC_ANNOTATION, type KubeApi } from '../../../ports/kube.js';
import { RELOAD_TRIGGER_ANNOTATIONS } from '../rollout-rules.js';
import { formatDuration } from '../../../scenario/duration.js';
import { applyRefreshInterval } from '../lab-settings.js';
import { readyWarnings, secretVersions, type SyncSource } from '../sync-source.js';
import type { KubeDeliveryFactory } from './kube-delivery.js';

/** ESO interval when the scenario has no periodic refresh: `0` would disable force-sync too (stack-facts F). */
const NO_REFRESH_INTERVAL_MS = 24 * 3_600_000;

/**
 * Annotates the ExternalSecret with `force-sync: <unix time>` (merge patch). Any annotation change
 * makes ESO's syncedResourceVersion differ, so it refreshes at once (stack-facts F "Force an
 * immediate refresh"; not with refreshInterval 0 or refreshPolicy CreatedOnce).
 */
export function esoForceSync(kube: KubeApi, namespace: string, externalSecret: string): (stamp: string) => Promise<void> {
  return async (stamp) => {
    await kube.patchExternalSecret(namespace, externalSecret, { metadata: { annotations: { [FORCE_SYNC_ANNOTATION]: stamp } } });
  };
}

/**
 * ESO's ExternalSecret `status.refreshTime` and Ready condition, and the resourceVersion of the
 * Secret it writes (stack-facts F): every new Secret version is `secret_synced`.
 */
export function esoSyncSource(kube: KubeApi, namespace: string, externalSecret: string, secret: string): SyncSource {
  const versions = secretVersions(kube, namespace, secret);
  const what = `ExternalSecret ${externalSecret}`;
  const ready = readyWarnings(what);
  return {
    what,
    async poll(t) {
      const es = await kube.readExternalSecret(namespace, externalSecret);
      const out = await versions(t, es.status?.refreshTime);
      return [...out, ...ready(t, es.status?.conditions?.find((c) => c.type === 'Ready'))];
    },
  };
}

/**
 * `secret-sync-restart` in the base lab: ESO refreshes the Secret every `delivery.refreshInterval`
 * (a force-sync annotation for `rotations.at`) and Wave (or Stakater Reloader) rolls the Deployment.
 */
export const esoDelivery: KubeDeliveryFactory = (s, lab) => {
  const forceSync = esoForceSync(lab.kube, lab.namespace, lab.externalSecret);
  const every = s.delivery.refreshIntervalMs > 0 ? s.delivery.refreshIntervalMs : NO_REFRESH_INTERVAL_MS;
  return {
    settings: [{
      title: `ExternalSecret ${lab.externalSecret}: refreshInterval ${formatDuration(every)}`,
      name: 'refreshInterval',
      note: 'set (ESO syncs once now)',
      apply: () => applyRefreshInterval(lab.kube, { namespace: lab.namespace, name: lab.externalSecret, intervalMs: every }),
    }],
    forceSync,
    reissue: forceSync,
    sync: esoSyncSource(lab.kube, lab.namespace, lab.externalSecret, lab.secret),
    rolloutAnnotations: RELOAD_TRIGGER_ANNOTATIONS,
    notes: s.delivery.reload !== 'restart' ? [`delivery.reload ${s.delivery.reload}: the lab always rolls the Deployment (Wave); measured as restart`] : [],
  };
};
