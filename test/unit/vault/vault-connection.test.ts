import { describe, expect, it } from 'vitest';
import { PrerequisiteError, UsageError } from '../../../src/errors/errors.js';
import { ExitCode } from '../../../src/errors/exit-codes.js';
import { SecretRegistry } from '../../../src/errors/redact.js';
import type { VaultDevServer } from '../../../src/ports/vault.js';
import { resolveVault } from '../../../src/targets/local/vault-connection.js';

/** Fakes for resolveVault: a PATH with or without `vault`, and a dev server that records its calls. */
function fakes(vaultOnPath: boolean) {
  const started: string[] = [];
  let stopped = 0;
  return {
    started,
    stopped: () => stopped,
    secrets: new SecretRegistry(),
    which: async (bin: string) => (vaultOnPath && bin === 'vault' ? '/opt/bin/vault' : undefined),
    startDevServer: async (binary: string): Promise<VaultDevServer> => {
      started.push(binary);
      return { endpoint: 'http://127.0.0.1:18200', token: 'dev-root-token-123', stop: async () => { stopped++; } };
    },
  };
}

describe('resolveVault', () => {
  it('uses VAULT_ADDR and VAULT_TOKEN when both are set, even with vault on PATH', async () => {
    const f = fakes(true);
    const v = await resolveVault({ VAULT_ADDR: 'http://vault.example:8200/', VAULT_TOKEN: 'env-token-abcdef' }, f);
    expect(v).toMatchObject({ endpoint: 'http://vault.example:8200', token: 'env-token-abcdef', source: 'env' });
    expect(f.started).toEqual([]);
    await v.stop();
    expect(f.secrets.redact('env-token-abcdef')).toBe('***');
  });

  it('refuses half of the pair', async () => {
    const f = fakes(true);
    await expect(resolveVault({ VAULT_ADDR: 'http://vault:8200' }, f)).rejects.toThrow(/VAULT_TOKEN is not/);
    await expect(resolveVault({ VAULT_TOKEN: 'x' }, f)).rejects.toBeInstanceOf(UsageError);
    expect(f.started).toEqual([]);
  });

  it('starts `vault server -dev` from PATH otherwise and stops it', async () => {
    const f = fakes(true);
    const v = await resolveVault({ PATH: '/opt/bin' }, f);
    expect(f.started).toEqual(['/opt/bin/vault']);
    expect(v).toMatchObject({ endpoint: 'http://127.0.0.1:18200', token: 'dev-root-token-123', source: 'dev-server' });
    expect(f.secrets.redact('dev-root-token-123')).toBe('***');
    await v.stop();
    expect(f.stopped()).toBe(1);
  });

  it('without either, fails with exit 3 and a hint naming both options and the direct issuer', async () => {
    const err = (await resolveVault({}, fakes(false)).catch((e: unknown) => e)) as PrerequisiteError;
    expect(err).toBeInstanceOf(PrerequisiteError);
    expect(err.exitCode).toBe(ExitCode.Prerequisite);
    expect(err.hint).toContain('https://developer.hashicorp.com/vault/install');
    expect(err.hint).toContain('VAULT_ADDR and VAULT_TOKEN');
    expect(err.hint).toContain('credentials.issuer: direct');
  });
});
