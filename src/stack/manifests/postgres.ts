import { DEFAULT_DATABASE_SETUP } from '../../scenario/schema.js';
import type { StackConfig } from '../stack-config.js';
import { POSTGRES_PORT, stackNames } from './names.js';
import { labels, namespaceObject, type KubeObject } from './types.js';

/** Run-time inputs of the Postgres manifests. */
export interface PostgresSecrets {
  /** Password of the admin user Vault connects as; appears only in the admin Secret. */
  adminPassword: string;
}

/** ConfigMap of the SQL the Postgres image runs at first start (the demo app's table). */
export const POSTGRES_INIT_CONFIGMAP = 'postgres-init';
/** Its one file, run in `POSTGRES_DB` as the admin user: {@link DEFAULT_DATABASE_SETUP}, as on the local target. */
export const POSTGRES_INIT_FILE = 'vaultctl-demo.sql';

/**
 * Postgres for the lab: the Docker Official image (no chart; stack-facts B) as a one-replica
 * StatefulSet on an emptyDir, its admin password read from a Secret, never written inline.
 * The demo app's table is created at first start, before the server listens on TCP, so it exists
 * before Vault creates any role and the creation statements' `GRANT ... ON ALL TABLES` covers it.
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
      kind: 'ConfigMap',
      metadata: { name: POSTGRES_INIT_CONFIGMAP, namespace: ns, labels: labels('postgres') },
      data: { [POSTGRES_INIT_FILE]: `${DEFAULT_DATABASE_SETUP.join('\n')}\n` },
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
                volumeMounts: [
                  // PG <= 17 keeps PGDATA here; 18 moved it (stack-facts B), hence the postgres:17 default.
                  { name: 'data', mountPath: '/var/lib/postgresql/data' },
                  // The official image's entrypoint runs *.sql here with psql (ON_ERROR_STOP, as
                  // POSTGRES_USER, in POSTGRES_DB) after initdb, on a temporary socket-only server
                  // (so the TCP readiness probe waits for it), and only when the data directory is
                  // empty: a new pod's emptyDir is; a restarted container keeps its data and table
                  // (docker-library/postgres 17/bookworm/docker-entrypoint.sh docker_process_init_files;
                  // docker-library/docs postgres "Initialization scripts").
                  { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
                ],
              },
            ],
            volumes: [{ name: 'data', emptyDir: {} }, { name: 'init', configMap: { name: POSTGRES_INIT_CONFIGMAP } }],
          },
        },
      },
    },
  ];
}
