import type { TargetRegistry } from '../targets/target.js';
import { localTarget } from '../targets/local/local-target.js';
import type { LocalTargetDeps } from '../targets/local/local-deps.js';
import { kubernetesTarget } from '../targets/kubernetes/kubernetes-target.js';
import type { KubernetesTargetDeps } from '../targets/kubernetes/kubernetes-deps.js';

/** What each target needs from outside the process. */
export interface TargetDeps {
  local: LocalTargetDeps;
  kubernetes: KubernetesTargetDeps;
}

/** The one registry of targets: a scenario's `target:` names one of these. */
export function createTargets(deps: TargetDeps): TargetRegistry {
  return { local: localTarget(deps.local), kubernetes: kubernetesTarget(deps.kubernetes) };
}
