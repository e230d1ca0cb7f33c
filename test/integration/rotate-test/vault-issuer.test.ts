import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanAndRedacted, useRunDirs, runVaultctl } from '../../support/cli-harness.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';
import { sqlPlugin } from '../../support/vault-sql-plugin.js';

// issuer: vault through VAULT_ADDR/VAULT_TOKEN. No Vault binary runs here, so Vault is the HTTP
// double (stack-facts C shapes) with a database plugin that really creates and drops the roles in
// the run's embedded Postgres, as Vault's Postgres plugin would.
const dirs = useRunDirs();
let vault: VaultDouble;
beforeAll(async () => {
  vault = await startVaultDouble({ database: sqlPlugin });
});
afterAll(async () => {
  await vault.close();
});

describe('rotate-test with issuer: vault', () => {
  it('configures the database engine, rotates through Vault, and revokes every lease it created', async () => {
    const out = join(dirs.out, 'vault');
    const { code, rt } = await runVaultctl(['rotate-test', 'test/fixtures/runs/vault-issuer.yaml', '--out', out],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, VAULT_ADDR: vault.endpoint, VAULT_TOKEN: vault.token } });
    expect(code, rt.err()).toBe(0);
    expect(rt.err()).toContain('Starting the service proxy (l7)');
    const calls = vault.calls();
    expect(calls.slice(0, 3)).toEqual(['POST sys/mounts/database', 'POST database/config/vaultctl-pg', 'POST database/roles/app']);
    const issued = calls.filter((c) => c === 'GET database/creds/app').length;
    // The initial credentials plus refreshes at 4 s and 8 s of the 10 s measured.
    expect(issued).toBe(3);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    // Two rollouts; on a busy machine the first may still settle when the second starts, and they share a row.
    expect(run.analysis.rollouts.flatMap((r: { revisions: number[] }) => r.revisions)).toEqual([2, 3]);
    for (const r of run.analysis.rollouts) {
      expect(r.completed).toBe(true);
      expect(r.failures).toBe(0);
    }
    expect(run.analysis.overall.requests).toBeGreaterThan(500);
    // Every lease the run created was revoked through Vault at the end.
    expect(vault.state.revoked).toHaveLength(issued);
    expect(vault.state.leases.size).toBe(0);
    // Neither the token nor any password (Vault's or Postgres') leaks, and nothing is left behind.
    expectCleanAndRedacted(rt, out, dirs.tmp, [vault.token]);
  });
});
