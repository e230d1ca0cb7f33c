import type { LabStrategyName } from '../../../stack/lab.js';
import { esoDelivery } from './eso.js';
import { agentTemplateDelivery, csiDelivery } from './in-place.js';
import type { KubeDeliveryFactory } from './kube-delivery.js';
import { vsoDelivery } from './vso.js';

export type { KubeDelivery, KubeDeliveryFactory, LabSetting } from './kube-delivery.js';

/**
 * The strategies the kubernetes target measures: those the lab installs (src/stack/strategies).
 * vault-env, init-renewer, static-role and direct are not in the lab (README "Strategies on
 * Kubernetes" says why); scenario validation refuses them on this target.
 */
export const KUBE_DELIVERIES: Readonly<Record<LabStrategyName, KubeDeliveryFactory>> = {
  'secret-sync-restart': esoDelivery,
  vso: vsoDelivery,
  'agent-template': agentTemplateDelivery,
  csi: csiDelivery,
};
