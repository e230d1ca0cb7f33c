import { randomBytes } from 'node:crypto';
import { stackNames } from '../manifests/index.js';
import type { StackConfig } from '../stack-config.js';
import type { Kubectl } from '../tools/kubectl.js';

/** The env var the chart sets from `server.dev.devRootToken` (stack-facts B). */
const ROOT_TOKEN_ENV = 'VAULT_DEV_ROOT_TOKEN_ID';

/**
 * Vault's dev root token as the installed StatefulSet carries it; undefined when Vault is not
 * installed. Read from the cluster each time, so it is never stored on the host.
 */
export async function readVaultRootToken(kubectl: Kubectl, cfg: StackConfig): Promise<string | undefined> {
  const n = stackNames(cfg);
  const out = await kubectl.get(`statefulset/${n.vaultService}`, {
    namespace: cfg.charts.vault.namespace,
    output: `jsonpath={.spec.template.spec.containers[*].env[?(@.name=="${ROOT_TOKEN_ENV}")].value}`,
  });
  return out.split(/\s+/)[0] || undefined;
}

/** The Postgres admin password from its cluster Secret; undefined when not applied yet. */
export async function readPostgresAdminPassword(kubectl: Kubectl, cfg: StackConfig): Promise<string | undefined> {
  const n = stackNames(cfg);
  const b64 = await kubectl.get(`secret/${n.postgresAdminSecret}`, { namespace: cfg.postgres.namespace, output: 'jsonpath={.data.password}' });
  return b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}

/** A fresh Vault dev root token: 32 random bytes, hex (helm `--set` safe). */
export function generateRootToken(): string {
  return `vaultctl-${randomBytes(32).toString('hex')}`;
}

/** A fresh Postgres admin password: 24 random bytes, base64url (safe in URLs and SQL quotes). */
export function generateAdminPassword(): string {
  return randomBytes(24).toString('base64url');
}
