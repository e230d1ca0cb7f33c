import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeVaultApi } from '../../../src/adapters/node-vault-api.js';
import { SecretRegistry } from '../../../src/errors/redact.js';
import type { CredentialIssuer } from '../../../src/ports/credentials.js';
import type { PostgresEndpoint } from '../../../src/ports/postgres.js';
import { VaultApiError } from '../../../src/ports/vault.js';
import type { Scenario } from '../../../src/scenario/model.js';
import { createVaultIssuer } from '../../../src/targets/local/issuers/vault-issuer.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';

const postgres: PostgresEndpoint = { host: '127.0.0.1', port: 54321, database: 'app', adminUser: 'vaultadmin', adminPassword: 'admin-pw-123456' };
const creation = [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`];
const revocation = ['DROP ROLE IF EXISTS "{{name}}";'];
const renewal = [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`];

function database(defaultTtlMs: number, maxTtlMs: number): Scenario['database'] {
  return { name: 'app', setup: [], role: { name: 'app', creationStatements: creation, revocationStatements: revocation, renewStatements: renewal, defaultTtlMs, maxTtlMs } };
}

describe('vault issuer against the Vault double', () => {
  let vault: VaultDouble;
  let issuer: CredentialIssuer | undefined;
  let logs: string[];
  let secrets: SecretRegistry;
  const make = (db = database(3_600_000, 7_200_000), token = vault.token) => {
    issuer = createVaultIssuer({
      api: createNodeVaultApi({ endpoint: vault.endpoint, token }), postgres, database: db,
      vault: { mount: 'database', connection: 'app-db' }, clock: { now: () => 1234, wallClock: () => new Date() },
      secrets, log: (l) => logs.push(l),
    });
    return issuer;
  };
  beforeEach(async () => {
    vault = await startVaultDouble();
    logs = [];
    secrets = new SecretRegistry();
  });
  afterEach(async () => {
    await issuer?.close();
    issuer = undefined;
    await vault.close();
  });

  it('setup() sends the documented request sequence and is idempotent', async () => {
    const vi = make();
    await vi.setup();
    expect(vault.requests.map((r) => [r.method, r.rawUrl])).toEqual([
      ['POST', '/v1/sys/mounts/database'], ['POST', '/v1/database/config/app-db'], ['POST', '/v1/database/roles/app'],
    ]);
    const [mount, config, role] = vault.requests.map((r) => r.body);
    expect(mount).toMatchObject({ type: 'database' });
    expect(config).toEqual({
      plugin_name: 'postgresql-database-plugin',
      connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:54321/app?sslmode=disable',
      username: 'vaultadmin', password: 'admin-pw-123456', allowed_roles: ['app'], verify_connection: true,
      password_authentication: 'scram-sha-256',
    });
    expect(role).toEqual({
      db_name: 'app-db', creation_statements: creation, revocation_statements: revocation, renew_statements: renewal,
      default_ttl: 3600, max_ttl: 7200,
    });
    expect(secrets.redact('pw admin-pw-123456')).toBe('pw ***');

    await vi.setup(); // the mount now answers 400 "path is already in use at database/"
    expect(vault.calls()).toEqual([
      'POST sys/mounts/database', 'POST database/config/app-db', 'POST database/roles/app',
      'POST sys/mounts/database', 'POST database/config/app-db', 'POST database/roles/app',
    ]);
    expect(vault.requests.some((r) => r.rawUrl.includes('//'))).toBe(false);
  });

  it('issues, renews and revokes a lease', async () => {
    const vi = make();
    await vi.setup();
    const creds = await vi.issue();
    expect(creds.leaseId).toMatch(/^database\/creds\/app\/[A-Za-z0-9]{24}$/);
    expect(creds.username).toMatch(/^v-token-app-/);
    expect(creds).toMatchObject({ issuedAt: 1234, ttlMs: 3_600_000 });
    expect(secrets.redact(creds.password)).toBe('***');
    expect(vi.outstanding()).toEqual([creds.leaseId]);

    await expect(vi.renew(creds.leaseId, 1_800_000)).resolves.toBe(1_800_000);
    expect(vault.requests.at(-1)?.body).toEqual({ lease_id: creds.leaseId, increment: 1800 });

    await vi.revoke(creds.leaseId);
    expect(vault.requests.at(-1)).toMatchObject({ rawUrl: '/v1/sys/leases/revoke', body: { lease_id: creds.leaseId, sync: true } });
    expect(vault.state.revoked).toEqual([creds.leaseId]);
    expect(vi.outstanding()).toEqual([]);
  });

  it('a renewal capped at max_ttl logs the warning and returns the shorter TTL', async () => {
    const vi = make(database(2_000, 3_000));
    await vi.setup();
    const creds = await vi.issue();
    expect(creds.ttlMs).toBe(2_000);
    const ttl = await vi.renew(creds.leaseId, 60_000);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_000);
    expect(logs.some((l) => /TTL of "1m0s" exceeded the effective max_ttl of "\d+s"; TTL value is capped accordingly/.test(l))).toBe(true);
  });

  it('revoking an unknown lease is ignored; renewing one is an error', async () => {
    const vi = make();
    await vi.setup();
    await expect(vi.revoke('database/creds/app/doesnotexist')).resolves.toBeUndefined();
    expect(vault.requests.at(-1)).toMatchObject({ path: 'sys/leases/revoke' });
    const err = await vi.renew('database/creds/app/doesnotexist', 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultApiError);
    expect(err).toMatchObject({ status: 400, errors: ['invalid lease'] });
  });

  it('reports a lease that passed its TTL through onExpired', async () => {
    const vi = make(database(1_000, 1_000));
    await vi.setup();
    const expired: string[] = [];
    vi.onExpired((id) => expired.push(id));
    const creds = await vi.issue();
    for (let i = 0; i < 50 && expired.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(expired).toEqual([creds.leaseId]);
    expect(vi.outstanding()).toEqual([]);
  });

  it('a lease longer than 24.8 days (Vault default 768h) is not reported expired early', async () => {
    const vi = make(database(0, 0)); // 0 = the mount default, 768h
    await vi.setup();
    const creds = await vi.issue();
    expect(creds.ttlMs).toBe(768 * 3600 * 1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(vi.outstanding()).toEqual([creds.leaseId]);
  });

  it('close() revokes every outstanding lease', async () => {
    const vi = make();
    await vi.setup();
    const a = await vi.issue();
    const b = await vi.issue();
    await vi.revoke(a.leaseId);
    const c = await vi.issue();
    await vi.close();
    expect(vault.state.revoked).toEqual([a.leaseId, b.leaseId, c.leaseId]);
    expect(vi.outstanding()).toEqual([]);
    expect(vault.state.leases.size).toBe(0);
  });

  it('close() keeps going when revocations fail and reports them once in the log', async () => {
    const vi = make();
    await vi.setup();
    const a = await vi.issue();
    const b = await vi.issue();
    await vault.close(); // Vault goes away: every revoke fails with ECONNREFUSED
    await vi.close();
    expect(vi.outstanding()).toEqual([]);
    const lines = logs.filter((l) => l.includes('could not revoke'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('2 lease(s)');
    expect(lines[0]).toContain(a.leaseId);
    expect(lines[0]).toContain(b.leaseId);
    expect(lines[0]).toContain(vault.endpoint);
  });

  it('a bad token fails setup with a 403 that does not leak the token', async () => {
    const token = 'not-the-root-token-xyz';
    const vi = make(undefined, token);
    const err = (await vi.setup().catch((e: unknown) => e)) as VaultApiError;
    expect(err).toBeInstanceOf(VaultApiError);
    expect(err.status).toBe(403);
    expect(err.message).toContain('permission denied');
    expect(err.message).not.toContain(token);
    expect(vault.calls()).toEqual(['POST sys/mounts/database']);
  });
});
