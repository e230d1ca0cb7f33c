import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomDevToken, startVaultDevServer } from '../../../src/adapters/vault-dev-server.js';
import { createNodeProcessSpawner } from '../../../src/adapters/node-process-spawner.js';
import { openRunLedger } from '../../../src/runtime/run-ledger.js';
import { which } from '../../../src/adapters/which.js';
import { createNodeVaultApi } from '../../../src/adapters/node-vault-api.js';
import type { VaultDevServer } from '../../../src/ports/vault.js';
import { ExternalError } from '../../../src/errors/errors.js';

/**
 * A stand-in `vault` executable: a Node script that checks the dev-mode argv and serves
 * sys/health on -dev-listen-address, like `vault server -dev` (real Vault is not installed here).
 */
const FAKE_VAULT = `#!${process.execPath}
const http = require('node:http');
const args = process.argv.slice(2);
const get = (f) => (args.find((a) => a.startsWith(f + '=')) || '').slice(f.length + 1);
if (args[0] !== 'server' || !args.includes('-dev') || !args.includes('-dev-no-store-token') || !get('-dev-root-token-id')) {
  process.stderr.write('bad args: ' + args.join(' ') + '\\n'); process.exit(2);
}
const [host, port] = get('-dev-listen-address').split(':');
const token = get('-dev-root-token-id');
http.createServer((req, res) => {
  if (req.url.startsWith('/v1/sys/health')) return res.end(JSON.stringify({ initialized: true, sealed: false, version: 'fake' }));
  res.statusCode = req.headers['x-vault-token'] === token ? 404 : 403; res.end('{"errors":[]}');
}).listen(Number(port), host);
process.on('SIGTERM', () => process.exit(0));
`;

/** A spawner whose run ledger lives in the test's own dir. */
function testSpawner(dir: string) {
  return createNodeProcessSpawner(openRunLedger(join(dir, 'runs')));
}

describe('startVaultDevServer with a stand-in vault binary', () => {
  let dir: string;
  let server: VaultDevServer | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vaultctl-vault-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('is found on PATH, starts, answers health, and stops', async () => {
    const bin = join(dir, 'vault');
    await writeFile(bin, FAKE_VAULT);
    await chmod(bin, 0o755);
    expect(await which('vault', { PATH: `/nonexistent:${dir}` })).toBe(bin);
    expect(await which('vault', { PATH: '/nonexistent' })).toBeUndefined();

    server = await startVaultDevServer(bin, randomDevToken(), undefined, { spawner: testSpawner(dir) });
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.token.length).toBeGreaterThan(20);
    const api = createNodeVaultApi({ endpoint: server.endpoint, token: server.token });
    await expect(api.health()).resolves.toMatchObject({ initialized: true, sealed: false });
    await server.stop();
    await server.stop(); // twice is fine
    await expect(api.health()).rejects.toThrow(/ECONNREFUSED/);
  }, 30_000);

  it('a binary that exits at once is an ExternalError with its stderr and no token', async () => {
    const bin = join(dir, 'vault');
    await writeFile(bin, `#!/bin/sh\necho "boom: $*" >&2\nexit 1\n`);
    await chmod(bin, 0o755);
    const err = (await startVaultDevServer(bin, 'tok-secret-987654', undefined, { spawner: testSpawner(dir) }).catch((e: unknown) => e)) as ExternalError;
    expect(err).toBeInstanceOf(ExternalError);
    expect(err.message).toMatch(/did not become ready/);
    expect(err.output).toContain('boom');
    expect(`${err.message}${err.output}${err.command}`).not.toContain('tok-secret-987654');
  }, 30_000);
});
