import type { StackConfig } from '../stack-config.js';

/** The Postgres superuser Vault's database engine connects as (its password is a bootstrap secret). */
export const POSTGRES_ADMIN_USER = 'vaultadmin';
export const POSTGRES_PORT = 5432;
/** Container port of the demo app (the `PORT` it listens on) and of its Service. */
export const APP_PORT = 8080;
/** The demo app's container in every copy's pods (an injected agent runs beside it). */
export const APP_CONTAINER = 'demo-app';
export const VAULT_PORT = 8200;

/** Every name and address the manifests use, so the pipeline never re-derives one. */
export interface StackNames {
  /** kubeconfig context kind creates: `kind-<clusterName>`. */
  kindContext: string;
  postgresService: string;
  postgresStatefulSet: string;
  /** Secret (in the Postgres namespace) holding the admin `username` and `password`. */
  postgresAdminSecret: string;
  postgresAdminUser: string;
  /** In-cluster DNS name of the Postgres Service. */
  postgresHost: string;
  postgresPort: number;
  /** Vault's `connection_url` for the database engine (Vault fills in the templated user/password). */
  postgresConnectionUrl: string;
  /** Vault's Service name: the chart's fullname for the release. */
  vaultService: string;
  /** Vault as ESO's generator reaches it. */
  vaultAddressInCluster: string;
  /** Vault as vaultctl reaches it through kind's port mapping. */
  vaultAddressFromHost: string;
  /** The demo app as the load generator reaches it through kind's port mapping. */
  appUrlFromHost: string;
  generator: string;
  externalSecret: string;
  /** Secret the ExternalSecret writes and the Deployment reads (`username`, `password`). */
  appSecret: string;
  appConfigMap: string;
  appDeployment: string;
  appService: string;
}

/** Names and addresses for `cfg`. */
export function stackNames(cfg: StackConfig): StackNames {
  const postgresHost = `postgres.${cfg.postgres.namespace}.svc.cluster.local`;
  const vaultService = helmFullname(cfg.charts.vault.release, 'vault');
  return {
    kindContext: `kind-${cfg.clusterName}`,
    postgresService: 'postgres',
    postgresStatefulSet: 'postgres',
    postgresAdminSecret: 'postgres-admin',
    postgresAdminUser: POSTGRES_ADMIN_USER,
    postgresHost,
    postgresPort: POSTGRES_PORT,
    // The official postgres image has no TLS (stack-facts B).
    postgresConnectionUrl: `postgresql://{{username}}:{{password}}@${postgresHost}:${POSTGRES_PORT}/${cfg.postgres.database}?sslmode=disable`,
    vaultService,
    vaultAddressInCluster: `http://${vaultService}.${cfg.charts.vault.namespace}.svc:${VAULT_PORT}`,
    vaultAddressFromHost: `http://127.0.0.1:${cfg.vaultHostPort}`,
    appUrlFromHost: `http://127.0.0.1:${cfg.appHostPort}`,
    generator: 'demo-app-db-creds',
    externalSecret: 'demo-app-db',
    appSecret: 'demo-app-db',
    appConfigMap: 'demo-app-code',
    appDeployment: 'demo-app',
    appService: 'demo-app',
  };
}

/**
 * The chart's `fullname` helper: the release name when it contains the chart name, else
 * `<release>-<chart>` (hashicorp/vault-helm `templates/_helpers.tpl` "vault.fullname").
 */
function helmFullname(release: string, chartName: string): string {
  return (release.includes(chartName) ? release : `${release}-${chartName}`).slice(0, 63).replace(/-+$/, '');
}
