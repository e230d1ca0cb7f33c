import { DEMO_TABLE } from '../../scenario/schema.js';
import type { StackConfig } from '../stack-config.js';
import { APP_CONTAINER, APP_PORT, POSTGRES_PORT, stackNames } from './names.js';
import { labels, namespaceObject, type KubeObject } from './types.js';
import { reloadAnnotations } from './reloader.js';

/** Wave's and Reloader's Deployment annotations live with the reloader choice (reloader.ts). */
export { WAVE_ANNOTATION } from './reloader.js';

/** Inputs of the demo app manifests. */
export interface DemoAppInputs {
  /** The bundled demo app (src/demo-app/server.ts → dist/demo-app/bundle.cjs), stored as `server.cjs`. */
  bundle: string;
}

/**
 * How a delivery strategy's copy of the demo app differs from the base lab's (issue 12: one copy
 * per strategy, each in its own namespace). Every field is optional; the defaults are the base lab.
 */
export interface DemoAppOptions {
  /** Namespace of the copy (default `cfg.namespace`). */
  namespace?: string;
  /** Secret the copy reads `username`/`password` from (default the ExternalSecret's target). */
  secretName?: string;
  /** Deployment annotations (default: the base lab's reloader's, Wave's or Reloader's, never both; `{}` for a copy neither may roll). */
  annotations?: Record<string, string>;
  /** `NodePort` (default: kind publishes it on the host), or `ClusterIP` (reachable in the cluster only). */
  serviceType?: 'NodePort' | 'ClusterIP';
  /**
   * The Service's node port (default `cfg.appNodePort`, the base lab's). Node ports are cluster-wide:
   * each strategy's copy takes its own, `labAppPorts(cfg, strategy).nodePort` (strategies/ports.ts).
   */
  nodePort?: number;
  /** ServiceAccount the pods run as (default the namespace's `default`). */
  serviceAccountName?: string;
  /** JSON file the app reads its credentials from (`CREDENTIALS_FILE`), instead of the Secret's keys as env. */
  credentialsFile?: string;
  /** More env for the app container (e.g. `CREDENTIALS_POLL_MS`). */
  env?: Array<{ name: string; value: string }>;
  /** More volumes, each mounted read-only in the app container at `mountPath`. */
  volumes?: Array<{ volume: { name: string; [field: string]: unknown }; mountPath: string }>;
  /** Pod template annotations (e.g. the Vault agent injector's: it reads them from the pod at admission). */
  podAnnotations?: Record<string, string>;
}

/**
 * The workload under test: the bundled demo app on a stock Node image (no image build), reading
 * its database credentials from the Secret the ExternalSecret writes. Wave restarts it when that
 * Secret changes; the rolling-update knobs, preStop and grace period come from the config.
 */
export function renderDemoApp(cfg: StackConfig, inputs: DemoAppInputs, opts: DemoAppOptions = {}): KubeObject[] {
  const n = stackNames(cfg);
  const ns = opts.namespace ?? cfg.namespace;
  const secretName = opts.secretName ?? n.appSecret;
  const service = opts.serviceType ?? 'NodePort';
  const podLabels = { 'app.kubernetes.io/name': 'demo-app' };
  const graceS = cfg.app.terminationGracePeriodMs / 1000;
  const preStopS = cfg.app.preStopMs / 1000;
  // The app's own drain must end before the kubelet's SIGKILL: grace minus preStop minus a margin.
  const drainMs = Math.max(1000, cfg.app.terminationGracePeriodMs - cfg.app.preStopMs - 2000);
  const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key } } });
  return [
    namespaceObject(ns),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: n.appConfigMap, namespace: ns, labels: labels('demo-app') },
      data: { 'server.cjs': inputs.bundle },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: n.appDeployment, namespace: ns, labels: labels('demo-app'), annotations: opts.annotations ?? reloadAnnotations(cfg, secretName) },
      spec: {
        replicas: cfg.app.replicas,
        selector: { matchLabels: podLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: cfg.app.maxSurge, maxUnavailable: cfg.app.maxUnavailable } },
        template: {
          metadata: { labels: { ...labels('demo-app'), ...podLabels }, ...(opts.podAnnotations ? { annotations: opts.podAnnotations } : {}) },
          spec: {
            ...(opts.serviceAccountName ? { serviceAccountName: opts.serviceAccountName } : {}),
            terminationGracePeriodSeconds: graceS,
            // uid 1000 is the `node` user of the official Node images.
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
            containers: [
              {
                name: APP_CONTAINER,
                image: cfg.app.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['node', '/app/server.cjs'],
                ports: [{ name: 'http', containerPort: APP_PORT }],
                env: [
                  { name: 'PORT', value: String(APP_PORT) },
                  { name: 'HOST', value: '0.0.0.0' },
                  { name: 'PGHOST', value: n.postgresHost },
                  { name: 'PGPORT', value: String(POSTGRES_PORT) },
                  { name: 'PGDATABASE', value: cfg.postgres.database },
                  ...(opts.credentialsFile
                    ? [{ name: 'CREDENTIALS_FILE', value: opts.credentialsFile }]
                    : [secretEnv('PGUSER', 'username'), secretEnv('PGPASSWORD', 'password')]),
                  // Created by the Postgres init script (postgres.ts), granted by the role's creation statements.
                  { name: 'DEMO_TABLE', value: DEMO_TABLE },
                  { name: 'QUERY_SLEEP_MS', value: String(cfg.app.querySleepMs) },
                  { name: 'GRACEFUL_DRAIN', value: '1' },
                  { name: 'DRAIN_TIMEOUT_MS', value: String(drainMs) },
                  ...(opts.env ?? []),
                ],
                readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 2 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
                // Keeps serving while the endpoint removal propagates to kube-proxy, then SIGTERM drains.
                ...(preStopS > 0 ? { lifecycle: { preStop: { exec: { command: ['sleep', String(preStopS)] } } } } : {}),
                resources: { requests: { cpu: '20m', memory: '48Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
                volumeMounts: [
                  { name: 'code', mountPath: '/app', readOnly: true },
                  ...(opts.volumes ?? []).map((v) => ({ name: v.volume.name, mountPath: v.mountPath, readOnly: true })),
                ],
              },
            ],
            volumes: [{ name: 'code', configMap: { name: n.appConfigMap } }, ...(opts.volumes ?? []).map((v) => v.volume)],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: n.appService, namespace: ns, labels: labels('demo-app') },
      spec: {
        type: service,
        selector: podLabels,
        ports: [{ name: 'http', port: APP_PORT, targetPort: 'http', ...(service === 'NodePort' ? { nodePort: opts.nodePort ?? cfg.appNodePort } : {}) }],
      },
    },
  ];
}
