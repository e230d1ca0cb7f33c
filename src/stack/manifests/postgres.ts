import type { StackConfig } from '../stack-config.js';
import { POSTGRES_PORT, stackNames } from './names.js';
import { labels, namespaceObject, type KubeObject } from './types.js';

/** Run-time inputs of the Postgres manifests. */
export interface PostgresSecrets {
  /** Password of the admin user Vault connects as; appears only in the admin Secret. */
  adminPassword: string;
}

/**
 * Postgres for the lab: the Docker Official image (no chart; stack-facts B) as a one-replica
 * StatefulSet on an emptyDir, its admin password read from a Secret, never written inline.
 */
export function renderPostgres(cfg: StackConfig, secrets: PostgresSecrets): KubeObject[] {
  const n = stackNames(cfg);
  const ns = cfg.postgres.namespace;
  const podLabels = { 'app.kubernetes.io/name': 'postgres' };
  return [
    namespaceObject(ns),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: n.postgresAdminSecret, namespace: ns, labels: labels('postgres') },
      type: 'Opaque',
      stringData: { username: n.postgresAdminUser, password: secrets.adminPassword },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: n.postgresService, namespace: ns, labels: labels('postgres') },
      spec: { selector: podLabels, ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: 'postgres' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: n.postgresStatefulSet, namespace: ns, labels: labels('postgres') },
      spec: {
        serviceName: n.postgresService,
        replicas: 1,
        selector: { matchLabels: podLabels },
        template: {
          metadata: { labels: { ...labels('postgres'), ...podLabels } },
          spec: {
            containers: [
              {
                name: 'postgres',
                image: cfg.postgres.image,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'postgres', containerPort: POSTGRES_PORT }],
                env: [
                  { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: n.postgresAdminSecret, key: 'username' } } },
                  { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: n.postgresAdminSecret, key: 'password' } } },
                  { name: 'POSTGRES_DB', value: cfg.postgres.database },
                ],
                readinessProbe: {
                  // Over TCP on purpose: during first-start initdb the entrypoint runs a temporary
                  // server on the Unix socket only, which a socket check would call ready.
                  exec: { command: ['pg_isready', '-h', '127.0.0.1', '-p', String(POSTGRES_PORT), '-U', n.postgresAdminUser, '-d', cfg.postgres.database] },
                  periodSeconds: 2,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                // PG <= 17 keeps PGDATA here; 18 moved it (stack-facts B), hence the postgres:17 default.
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
              },
            ],
            volumes: [{ name: 'data', emptyDir: {} }],
          },
        },
      },
    },
  ];
}
