import type { StackConfig } from '../stack-config.js';

/** A chart whose pods vaultctl finds by label (doctor's readiness check, failure diagnostics). */
export type LabelledChart = 'eso' | 'wave' | 'reloader';

interface ChartPods {
  /** The labels the chart's templates put on the pod template, for a release name. */
  labels(release: string): Record<string, string>;
  /** Where the labels come from, at the chart version the lab config pins. */
  source: string;
}

/**
 * The pod labels of each chart the lab installs, read from the chart's templates at the pinned
 * version. Each chart labels its pods its own way: selecting every chart by
 * `app.kubernetes.io/instance` found no Wave pod at all (issue 12, fix 1).
 *
 * Vault and Postgres need no entry: diagnostics address them by workload name. Vault's
 * StatefulSet is the chart's fullname (names.ts); Postgres is vaultctl's own StatefulSet `postgres`
 * (postgres.ts). A chart version other than the pinned one may label its pods differently.
 */
export const CHART_POD_LABELS: Record<LabelledChart, ChartPods> = {
  // The controller, webhook and cert-controller Deployments all carry the instance label, so
  // diagnostics see all three; app.kubernetes.io/name differs per Deployment.
  eso: {
    labels: (release) => ({ 'app.kubernetes.io/instance': release }),
    source: 'external-secrets/external-secrets@helm-chart-2.9.0 (cc5bfbc2) deploy/charts/external-secrets/templates/_helpers.tpl'
      + ' "external-secrets.selectorLabels", "-webhook.selectorLabels", "-cert-controller.selectorLabels"',
  },
  // "wave-labels.chart": `app: {{ template "wave-name" . }}` (the chart name unless nameOverride,
  // which manifests/values/wave.yaml does not set), `release: {{ .Release.Name }}`, `heritage`.
  // No app.kubernetes.io/* label at all.
  wave: {
    labels: (release) => ({ app: 'wave', release }),
    source: 'wave-k8s/wave@wave-4.5.0 (b4e8d70c) charts/wave/templates/_helpers.tpl "wave-labels.chart", templates/deployment.yaml',
  },
  // "reloader-labels.chart" on the pod template: `app: <release>-reloader` (the fullname: no
  // release-contains-chart shortcut), `release`, `app.kubernetes.io/name: reloader` (the chart name
  // unless nameOverride, which manifests/values/reloader.yaml does not set), `app.kubernetes.io/instance`.
  // Name and instance together: the chart's own anti-affinity selects by instance alone.
  reloader: {
    labels: (release) => ({ 'app.kubernetes.io/name': 'reloader', 'app.kubernetes.io/instance': release }),
    source: 'stakater/Reloader@chart-v2.2.16 (655a2b38) deployments/kubernetes/chart/reloader/templates/_helpers.tpl'
      + ' "reloader-labels.chart", templates/deployment.yaml (spec.template.metadata.labels)',
  },
};

/** The `kubectl --selector` that matches the pods of `chart`'s release in the lab config. */
export function chartPodSelector(cfg: StackConfig, chart: LabelledChart): string {
  return Object.entries(CHART_POD_LABELS[chart].labels(cfg.charts[chart].release)).map(([k, v]) => `${k}=${v}`).join(',');
}
