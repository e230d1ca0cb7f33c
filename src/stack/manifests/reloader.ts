import type { ReloaderName, StackConfig } from '../stack-config.js';
import type { HelmRelease } from './types.js';

/**
 * Wave rolls a Deployment carrying this annotation when a Secret or ConfigMap it reads changes
 * (stack-facts G; wave-k8s/wave@v0.11.0 pkg/core/handler.go: without it Wave ignores the object).
 */
export const WAVE_ANNOTATION = 'wave.pusher.com/update-on-config-change';

/**
 * Stakater Reloader rolls a Deployment carrying this annotation when one of the named Secrets'
 * `.data` changes (its SHA1; metadata-only writes do nothing). Named, not `secret.reloader.stakater.com/auto`:
 * the demo app also mounts its code ConfigMap, and only the credentials should roll it.
 * Source: stakater/Reloader@v1.4.21 internal/pkg/options/flags.go `SecretUpdateOnChangeAnnotation`.
 */
export const RELOADER_SECRET_ANNOTATION = 'secret.reloader.stakater.com/reload';

/** Values of the Reloader chart that do not depend on the config (relative to the package root). */
export const RELOADER_VALUES_FILE = 'manifests/values/reloader.yaml';

/** What the Deployment of the base lab's demo app carries for `cfg.reloader`: one controller's annotation, never both. */
export function reloadAnnotations(cfg: Pick<StackConfig, 'reloader'>, secretName: string): Record<string, string> {
  return cfg.reloader === 'stakater' ? { [RELOADER_SECRET_ANNOTATION]: secretName } : { [WAVE_ANNOTATION]: 'true' };
}

/**
 * The Reloader chart's per-config `--set` values: watch only the demo app's namespace (scoped
 * mode). With `reloader.watchGlobally: false` (manifests/values/reloader.yaml) and
 * `reloader.namespaces`, the chart creates a Role and RoleBinding in each listed namespace and the
 * release namespace, no ClusterRole, and passes `--namespaces` to Reloader. A global Reloader
 * would roll every Deployment in a shared cluster (`--kube-context`) that carries its annotations,
 * next to any Reloader already there. The chart takes a comma-separated string here, and one
 * namespace has no comma, so helm's `--set` needs no escaping. Source:
 * stakater/Reloader@chart-v2.2.16 deployments/kubernetes/chart/reloader/values.yaml
 * (`reloader.namespaces`), templates/_helpers.tpl "reloader-watchNamespaces", templates/role.yaml.
 */
export function reloaderChartSet(cfg: Pick<StackConfig, 'namespace'>): Record<string, string> {
  return { 'reloader.namespaces': cfg.namespace };
}

/** The chart config and display name of a reloader. */
export function reloaderChart(cfg: Pick<StackConfig, 'charts'>, name: ReloaderName): { chart: StackConfig['charts']['wave']; label: string } {
  return name === 'stakater' ? { chart: cfg.charts.reloader, label: 'Stakater Reloader' } : { chart: cfg.charts.wave, label: 'Wave' };
}

/** The release of the base lab's reloader: Wave's (as before) or Reloader's, never both. */
export function reloaderRelease(cfg: StackConfig, release: (c: StackConfig['charts']['wave'], valuesFile: string, set: Record<string, string>) => HelmRelease): HelmRelease {
  return cfg.reloader === 'stakater'
    ? release(cfg.charts.reloader, RELOADER_VALUES_FILE, reloaderChartSet(cfg))
    : release(cfg.charts.wave, 'manifests/values/wave.yaml', {});
}
