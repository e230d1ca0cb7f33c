import { z } from 'zod';
import { durationSchema } from '../../scenario/schema.js';
import { LAB_STRATEGY_NAMES } from '../strategies/lab-strategy.js';
import { RELOADER_NAMES } from '../stack-config.js';

/** The only lab config format this version reads (same API group as scenarios). */
export const LAB_CONFIG_API_VERSION = 'vaultctl.dev/v1alpha1';
export const LAB_CONFIG_KIND = 'LabConfig';

const nonEmpty = z.string().min(1, { error: 'must not be empty' });

/** Kubernetes namespaces and kind cluster names are DNS-1123 labels. */
const dnsLabel = z
  .string()
  .max(63, { error: 'must be at most 63 characters' })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be lower-case letters, digits and "-", starting and ending with a letter or digit' });

const hostPort = z.int().min(1).max(65535);
/** The default Service node port range of kube-apiserver (`--service-node-port-range`). */
const nodePort = z.int().min(30000, { error: 'must be in the NodePort range 30000-32767' }).max(32767, { error: 'must be in the NodePort range 30000-32767' });
/** `helm repo add` takes http(s) chart repositories. */
const httpUrl = z.string().regex(/^https?:\/\/\S+$/, { error: 'must be an http(s):// URL' });
/** `<repo name>/<chart>`: the repo name is what `helm repo add` registers the URL under. */
const chartRef = z.string().regex(/^[a-z0-9][-a-z0-9_.]*\/[a-z0-9][-a-z0-9_.]*$/, { error: 'must be "<repo name>/<chart>", e.g. hashicorp/vault' });

/**
 * A container image reference as the distribution grammar spells it: `[registry[:port]/]path[:tag][@digest]`.
 * The value is written into manifests, so whitespace or a newline would inject YAML; reject it here.
 */
const IMAGE_DOMAIN = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?`;
const IMAGE_COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const IMAGE_TAG = String.raw`(?::[\w][\w.-]{0,127})?`;
const IMAGE_DIGEST = String.raw`(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?`;
const imageRef = z
  .string()
  .max(255, { error: 'must be at most 255 characters' })
  .regex(new RegExp(`^${IMAGE_DOMAIN}${IMAGE_COMPONENT}(?:/${IMAGE_COMPONENT})*${IMAGE_TAG}${IMAGE_DIGEST}$`), {
    error: 'must be an image reference without whitespace, e.g. postgres:17 or registry.example.com:5000/team/postgres:17',
  });

function chartSchema(d: { repo: string; chart: string; version: string; namespace: string; release: string }) {
  return z
    .strictObject({
      repo: httpUrl.default(d.repo),
      chart: chartRef.default(d.chart),
      version: nonEmpty.default(d.version),
      namespace: dnsLabel.default(d.namespace),
      release: dnsLabel.default(d.release),
    })
    .prefault({});
}

/** A strategy name; an unknown one is an error listing every known name. */
export const labStrategyNameSchema = z.enum(LAB_STRATEGY_NAMES, {
  error: `must be one of ${LAB_STRATEGY_NAMES.join(', ')}`,
});

/** A non-empty list of strategy names. */
export const labStrategiesSchema = z.array(labStrategyNameSchema).min(1, { error: `must name at least one of ${LAB_STRATEGY_NAMES.join(', ')}` });

/** `wave` or `stakater`; anything else is an error listing both. */
export const reloaderNameSchema = z.enum(RELOADER_NAMES, { error: `must be one of ${RELOADER_NAMES.join(', ')}` });

/**
 * `vaultctl.yaml` as written. Every key is optional and defaults to the values documented in
 * manifests/vaultctl.example.yaml; unknown keys are errors at every depth.
 */
export const labConfigFileSchema = z.strictObject({
  apiVersion: z.literal(LAB_CONFIG_API_VERSION),
  kind: z.literal(LAB_CONFIG_KIND),
  metadata: z.strictObject({ name: nonEmpty.optional(), description: z.string().optional() }).optional(),
  clusterName: dnsLabel.default('vaultctl'),
  kubeContext: nonEmpty.optional(),
  namespace: dnsLabel.default('vaultctl-demo'),
  /** The first of 4 ports: each lab strategy's demo app copy takes the next one (strategies/ports.ts; range checks in normalize.ts). */
  appHostPort: hostPort.default(8080),
  appNodePort: nodePort.default(30080),
  vaultHostPort: hostPort.default(8200),
  vaultNodePort: nodePort.default(30200),
  charts: z
    .strictObject({
      vault: chartSchema({ repo: 'https://helm.releases.hashicorp.com', chart: 'hashicorp/vault', version: '0.34.1', namespace: 'vault', release: 'vault' }),
      eso: chartSchema({
        repo: 'https://charts.external-secrets.io', chart: 'external-secrets/external-secrets', version: '2.9.0',
        namespace: 'external-secrets', release: 'external-secrets',
      }),
      wave: chartSchema({ repo: 'https://wave-k8s.github.io/wave/', chart: 'wave-k8s/wave', version: '4.5.0', namespace: 'wave', release: 'wave' }),
      // stakater/Reloader@chart-v2.2.16 deployments/kubernetes/chart/reloader/Chart.yaml: chart 2.2.16, app v1.4.21.
      reloader: chartSchema({
        repo: 'https://stakater.github.io/stakater-charts', chart: 'stakater/reloader', version: '2.2.16', namespace: 'reloader', release: 'reloader',
      }),
    })
    .prefault({}),
  postgres: z
    .strictObject({
      image: imageRef.default('postgres:17'),
      namespace: dnsLabel.default('vaultctl-db'),
      database: z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: 'must be a plain lower-case SQL identifier' }).default('app'),
    })
    .prefault({}),
  vault: z
    .strictObject({
      databaseMount: nonEmpty.default('database'),
      role: nonEmpty.default('app'),
      connection: nonEmpty.default('app-db'),
      defaultTtl: durationSchema.default('1h'),
      maxTtl: durationSchema.default('24h'),
      kubernetesAuthMount: nonEmpty.default('kubernetes'),
      authRole: nonEmpty.default('eso-db'),
      policy: nonEmpty.default('db-app'),
      tokenTtl: durationSchema.default('1h'),
    })
    .prefault({}),
  eso: z
    .strictObject({
      refreshInterval: durationSchema.default('1m'),
      serviceAccount: dnsLabel.default('vaultctl-eso'),
    })
    .prefault({}),
  app: z
    .strictObject({
      replicas: z.int().min(1).default(3),
      maxSurge: z.int().min(0).default(1),
      maxUnavailable: z.int().min(0).default(0),
      preStop: durationSchema.default('5s'),
      terminationGracePeriod: durationSchema.default('30s'),
      querySleep: durationSchema.default('5ms'),
      image: imageRef.default('node:20-alpine'),
    })
    .prefault({}),
  /**
   * The delivery strategies the lab holds (issue 12), each in its own namespace. `secret-sync-restart`
   * is the base lab (ESO + Wave in `namespace`), which bootstrap always installs.
   */
  strategies: labStrategiesSchema.default(['secret-sync-restart']),
  /**
   * What rolls the base lab's demo app when its Secret changes: Wave (`charts.wave`) or Stakater
   * Reloader (`charts.reloader`), never both (issue 12).
   */
  reloader: reloaderNameSchema.default('wave'),
  waits: z
    .strictObject({
      timeout: durationSchema.default('5m'),
      interval: durationSchema.default('2s'),
    })
    .prefault({}),
});

/** The parsed (defaulted, not yet normalized) file. */
export type LabConfigFile = z.output<typeof labConfigFileSchema>;
