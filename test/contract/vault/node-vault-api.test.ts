import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeVaultApi, cleanPath } from '../../../src/adapters/node-vault-api.js';
import { VaultApiError } from '../../../src/ports/vault.js';
import { ExitCode } from '../../../src/errors/exit-codes.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';

describe('node-vault adapter against the Vault double', () => {
  let vault: VaultDouble;
  beforeEach(async () => {
    vault = await startVaultDouble();
  });
  afterEach(async () => {
    await vault.close();
  });

  it('reads the documented health body', async () => {
    const api = createNodeVaultApi({ endpoint: vault.endpoint, token: vault.token });
    // server_time_utc is Vault's clock; the kubernetes target splits leases by it.
    await expect(api.health()).resolves.toEqual({ initialized: true, sealed: false, version: '2.0.4', serverTimeUtc: expect.any(Number) });
  });

  it('writes, reads, lists and deletes with the token and clean /v1/ paths', async () => {
    const api = createNodeVaultApi({ endpoint: `${vault.endpoint}/`, token: vault.token });
    await expect(api.write('/sys/mounts/database', { type: 'database' })).resolves.toBeUndefined();
    await api.write('database//config/app-db', { plugin_name: 'postgresql-database-plugin', allowed_roles: ['app'] });
    const cfg = await api.read('/database/config/app-db');
    expect(cfg.data).toMatchObject({ plugin_name: 'postgresql-database-plugin', allowed_roles: ['app'] });
    expect(cfg).toMatchObject({ lease_id: '', renewable: false, lease_duration: 0, warnings: null });
    await expect(api.list('database/config')).resolves.toEqual(['app-db']);
    await expect(api.list('database/roles')).resolves.toEqual([]); // Vault answers 404 for an empty list
    await api.delete('/database/config/app-db');
    await expect(api.list('database/config')).resolves.toEqual([]);

    expect(vault.requests.every((r) => r.token === vault.token)).toBe(true);
    expect(vault.requests.map((r) => r.rawUrl.split('?')[0])).toEqual([
      '/v1/sys/mounts/database', '/v1/database/config/app-db', '/v1/database/config/app-db',
      '/v1/database/config', '/v1/database/roles', '/v1/database/config/app-db', '/v1/database/config',
    ]);
    expect(vault.requests.some((r) => r.rawUrl.includes('//'))).toBe(false);
  });

  it('surfaces Vault errors with status and errors[]', async () => {
    const api = createNodeVaultApi({ endpoint: vault.endpoint, token: vault.token });
    await api.write('sys/mounts/database', { type: 'database' });
    const err = await api.write('sys/mounts/database', { type: 'database' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultApiError);
    expect(err).toMatchObject({ status: 400, errors: ['path is already in use at database/'], path: 'sys/mounts/database' });
  });

  it('a wrong token is a 403 with a clear message that does not contain the token', async () => {
    const token = 'wrong-token-0123456789';
    const api = createNodeVaultApi({ endpoint: vault.endpoint, token });
    const err = (await api.read('database/creds/app').catch((e: unknown) => e)) as VaultApiError;
    expect(err).toBeInstanceOf(VaultApiError);
    expect(err.status).toBe(403);
    expect(err.errors).toEqual(['permission denied']);
    expect(err.message).toContain('permission denied');
    expect(err.message).toContain('database/creds/app');
    expect(err.hint).toMatch(/token/i);
    expect(`${err.message} ${err.hint} ${JSON.stringify(err)}`).not.toContain(token);
    expect(vault.requests[0].token).toBe(token);
  });

  it('the double rejects requests without a token and paths with //', async () => {
    const noToken = await fetch(`${vault.endpoint}/v1/sys/mounts`);
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toEqual({ errors: ['permission denied'] });
    const dbl = await fetch(`${vault.endpoint}/v1//sys/mounts`, { headers: { 'X-Vault-Token': vault.token } });
    expect(dbl.status).toBe(400);
  });
});

describe('node-vault adapter without a server', () => {
  it('connection refused names the endpoint and has no status', async () => {
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const token = 'secret-token-abcdef';
    const api = createNodeVaultApi({ endpoint, token, timeoutMs: 2000 });
    const err = (await api.read('database/creds/app').catch((e: unknown) => e)) as VaultApiError;
    expect(err).toBeInstanceOf(VaultApiError);
    expect(err.status).toBeUndefined();
    expect(err.message).toContain(endpoint);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.exitCode).toBe(ExitCode.ExternalFailure);
    expect(`${err.message} ${err.errors.join(' ')} ${String(err.cause)}`).not.toContain(token);
    await expect(api.health()).rejects.toThrow(endpoint);
  });

  it('cleanPath strips leading slashes and collapses doubles', () => {
    expect(cleanPath('/database/creds/app')).toBe('database/creds/app');
    expect(cleanPath('//sys//leases/renew')).toBe('sys/leases/renew');
    expect(cleanPath('sys/leases/lookup/database/')).toBe('sys/leases/lookup/database/');
  });
});

/** A loopback port with nothing listening. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
