import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeVaultApi } from '../../../src/adapters/node-vault-api.js';
import { SecretRegistry } from '../../../src/errors/redact.js';
import type { CredentialIssuer } from '../../../src/ports/credentials.js';
import { createVaultIssuer } from '../../../src/targets/local/issuers/vault-issuer.js';
import { waitFor } from '../../support/cli-harness.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';

// Strategy direct: leases the app read itself are handed to the vault issuer (adopt), which tracks
// their expiry and revokes the ones still live at close(), as it does its own.
describe('vault issuer: leases created by the app (strategy direct)', () => {
  let vault: VaultDouble;
  let issuer: CredentialIssuer;
  beforeEach(async () => {
    vault = await startVaultDouble();
    issuer = createVaultIssuer({
      api: createNodeVaultApi({ endpoint: vault.endpoint, token: vault.token }),
      postgres: { host: '127.0.0.1', port: 5432, database: 'app', adminUser: 'a', adminPassword: 'admin-pw-123456' },
      database: { name: 'app', setup: [], role: { name: 'app', creationStatements: ['CREATE ROLE "{{name}}";'], revocationStatements: [],
        renewStatements: [], defaultTtlMs: 3_600_000, maxTtlMs: 7_200_000 } },
      vault: { mount: 'database', connection: 'app-db' }, clock: { now: () => 0, wallClock: () => new Date() },
      secrets: new SecretRegistry(),
    });
    await issuer.setup();
  });
  afterEach(async () => {
    await issuer.close();
    await vault.close();
  });

  /** A lease read the way the demo app reads it, not through the issuer. */
  const appRead = async () => {
    const res = await fetch(`${vault.endpoint}/v1/database/creds/app`, { headers: { 'x-vault-token': vault.token } });
    return ((await res.json()) as { lease_id: string }).lease_id;
  };

  it('revokes at close() the adopted leases the app did not revoke itself', async () => {
    const [kept, released] = [await appRead(), await appRead()];
    issuer.adopt!(kept, 3_600_000);
    issuer.adopt!(released, 3_600_000);
    expect(issuer.outstanding().sort()).toEqual([kept, released].sort());
    issuer.release!(released);
    expect(issuer.outstanding()).toEqual([kept]);
    await issuer.close();
    expect(vault.state.revoked).toEqual([kept]);
    expect(issuer.outstanding()).toEqual([]);
  });

  it('reports an adopted lease\'s expiry at the TTL the app last reported', async () => {
    const lease = await appRead();
    const expired: string[] = [];
    issuer.onExpired((id) => expired.push(id));
    issuer.adopt!(lease, 60_000);
    issuer.adopt!(lease, 50); // a renewal came back capped
    await waitFor('the adopted lease to expire', 2000, () => expired.length > 0);
    expect(expired).toEqual([lease]);
    expect(issuer.outstanding()).toEqual([]);
  });
});
