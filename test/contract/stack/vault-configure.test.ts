import { afterEach, describe, expect, it } from 'vitest';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';
import { createNodeVaultApi } from '../../../src/adapters/node-vault-api.js';
import { defaultStackConfig } from '../../../src/stack/config/normalize.js';
import { configureKubernetesAuth, configureStackDatabase, kubernetesAuthWrites } from '../../../src/stack/vault-config.js';
import type { StackConfig } from '../../../src/stack/stack-config.js';

const PG = { host: 'postgres.vaultctl-db.svc.cluster.local', adminUser: 'vaultadmin', adminPassword: 'pg-admin-Secret-123' };

/** The whole Vault configuration bootstrap performs, in its order. */
async function configure(double: VaultDouble, cfg: StackConfig): Promise<string[]> {
  const api = createNodeVaultApi({ endpoint: double.endpoint, token: double.token });
  const warnings = await configureKubernetesAuth(api, cfg);
  await configureStackDatabase(api, cfg, PG);
  return warnings;
}

describe('Vault configuration of the lab against the Vault double', () => {
  let double: VaultDouble | undefined;
  afterEach(async () => {
    await double?.close();
    double = undefined;
  });

  it('writes auth, policy, role and the database engine in order, with clean paths and documented bodies', async () => {
    double = await startVaultDouble();
    const cfg = defaultStackConfig();
    const warnings = await configure(double, cfg);

    expect(double.calls()).toEqual([
      'POST sys/auth/kubernetes',
      'POST auth/kubernetes/config',
      'POST sys/policies/acl/db-app',
      'POST auth/kubernetes/role/eso-db',
      'POST sys/mounts/database',
      'POST database/config/app-db',
      'POST database/roles/app',
    ]);
    // No leading or double slash reached the server (Vault >= 2.0 rejects them).
    for (const r of double.requests) expect(r.rawUrl).toMatch(/^\/v1\/[^/]/);
    const body = (path: string) => double!.requests.find((r) => r.path === path)?.body;
    expect(body('sys/auth/kubernetes')).toMatchObject({ type: 'kubernetes' });
    expect(body('auth/kubernetes/config')).toEqual({ kubernetes_host: 'https://kubernetes.default.svc:443' });
    expect(body('sys/policies/acl/db-app')).toEqual({ policy: 'path "database/creds/app" {\n  capabilities = ["read"]\n}\n' });
    expect(body('auth/kubernetes/role/eso-db')).toEqual({
      bound_service_account_names: ['vaultctl-eso'], bound_service_account_namespaces: ['vaultctl-demo'],
      token_policies: ['db-app'], token_ttl: 3600,
    });
    expect(body('database/config/app-db')).toMatchObject({
      plugin_name: 'postgresql-database-plugin',
      connection_url: 'postgresql://{{username}}:{{password}}@postgres.vaultctl-db.svc.cluster.local:5432/app?sslmode=disable',
      username: 'vaultadmin', allowed_roles: ['app', 'app-vso', 'app-agent-template', 'app-csi'], verify_connection: true,
    });
    expect(body('database/roles/app')).toMatchObject({ db_name: 'app-db', default_ttl: 3600, max_ttl: 86400 });
    // The role write succeeds with Vault's audience warning, which is passed on.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^auth\/kubernetes\/role\/eso-db: Role eso-db does not have an audience configured/);
    expect(double.state.auths.get('kubernetes')?.type).toBe('kubernetes');
    expect(double.state.policies.get('db-app')).toContain('capabilities = ["read"]');
  });

  it('converges on a re-run: "path is already in use" counts as done and every write repeats without error', async () => {
    double = await startVaultDouble();
    const cfg = defaultStackConfig();
    await configure(double, cfg);
    const first = double.requests.length;
    await configure(double, cfg);

    const rerun = double.requests.slice(first).map((r) => `${r.method} ${r.path}`);
    expect(rerun).toEqual(double.requests.slice(0, first).map((r) => `${r.method} ${r.path}`));
    expect(double.state.auths.size).toBe(1);
    expect(double.state.mounts.size).toBe(1);
    expect([...double.state.authRoles.keys()]).toEqual(['kubernetes/eso-db']);
  });

  it('follows the config: other mounts, role names and TTLs', async () => {
    double = await startVaultDouble();
    const cfg = defaultStackConfig();
    cfg.vault = { ...cfg.vault, kubernetesAuthMount: 'k8s-lab', authRole: 'gen', policy: 'p1', databaseMount: 'db', role: 'web', tokenTtlMs: 7_200_000 };
    expect(kubernetesAuthWrites(cfg).map((w) => w.path)).toEqual([
      'sys/auth/k8s-lab', 'auth/k8s-lab/config', 'sys/policies/acl/p1', 'auth/k8s-lab/role/gen',
    ]);
    await configure(double, cfg);
    expect(double.state.policies.get('p1')).toContain('path "db/creds/web"');
    expect(double.state.authRoles.get('k8s-lab/gen')).toMatchObject({ token_policies: ['p1'], token_ttl: 7200 });
  });

  it('a rejected write fails with Vault\'s message (no silent success)', async () => {
    double = await startVaultDouble();
    const cfg = defaultStackConfig();
    const api = createNodeVaultApi({ endpoint: double.endpoint, token: 'wrong-token-123' });
    await expect(configureKubernetesAuth(api, cfg)).rejects.toThrow(/sys\/auth\/kubernetes failed \(403\): permission denied/);
  });
});
