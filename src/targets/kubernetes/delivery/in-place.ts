import { APP_CONTAINER, type Lab } from '../../../stack/lab.js';

/** The pod-template annotation `kubectl rollout restart` sets (RFC 3339). */
export const KUBECTL_RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
import { startAppLogWatch } from '../app-log-watch.js';
import type { KubeDeliveryFactory, ObserveOptions, Observer } from './kube-delivery.js';
import { startInjectorCheck } from './injector-check.js';

/*
 * The strategies that reload in place, without a rollout: `agent-template` (Vault Agent re-renders
 * /vault/secrets/db near max TTL and SIGHUPs the app) and `csi` (the driver rewrites the mounted file
 * at a rotation poll and the app re-reads it). Their only trace of a pickup is the app's own log
 * (app-log-watch.ts); their controllers fetch new credentials on their own schedule, so `rotations.at`
 * has no lever here (the scenario is refused before the run, delivery-strategy.ts).
 */

/**
 * New pods, as `kubectl rollout restart` makes them: the template annotation
 * `kubectl.kubernetes.io/restartedAt` (kubernetes/kubectl pkg/polymorphichelpers/objectrestarter.go),
 * so the agent's init container or the CSI mount fetch credentials with the role's new TTLs.
 */
function restartPods(lab: Lab): (stamp: string) => Promise<void> {
  return async (stamp) => {
    const at = new Date(Number(stamp) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await lab.kube.patchDeployment(lab.namespace, lab.deployment, { spec: { template: { metadata: { annotations: { [KUBECTL_RESTARTED_AT]: at } } } } });
  };
}

/** Follows the app container's log in every pod: `reloaded` lines become credentials_reloaded. */
async function followAppLogs(o: ObserveOptions): Promise<Observer> {
  const watch = startAppLogWatch({ ...o, container: APP_CONTAINER });
  await watch.ready;
  return watch;
}

/** `agent-template`: app logs, and every pod checked for the injected agent. */
export const agentTemplateDelivery: KubeDeliveryFactory = (s, lab) => ({
  settings: [],
  reissue: restartPods(lab),
  rolloutAnnotations: [],
  async observe(o) {
    const logs = await followAppLogs(o);
    try {
      const injector = await startInjectorCheck(o);
      return { stop: async () => { await Promise.all([injector.stop(), logs.stop()]); } };
    } catch (err) {
      await logs.stop();
      throw err;
    }
  },
  notes: [
    'the lab\'s agent signals the app (agent-inject-command: pkill -HUP, shared process namespace)' +
      (s.delivery.pickup !== undefined && s.delivery.pickup !== 'signal' ? `; delivery.pickup ${s.delivery.pickup} is not applied` : ''),
  ],
});

/** `csi`: app logs; the driver's rotation poll is the lab's (bootstrap's chart values), not the scenario's. */
export const csiDelivery: KubeDeliveryFactory = (s, lab) => ({
  settings: [],
  reissue: restartPods(lab),
  rolloutAnnotations: [],
  observe: followAppLogs,
  notes: s.delivery.rotationPollIntervalMs !== undefined || s.delivery.enableSecretRotation !== undefined
    ? ['delivery.rotationPollInterval / enableSecretRotation are the CSI driver\'s chart values, set by bootstrap for the whole cluster: not applied per run']
    : [],
});
