import { renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Credentials } from '../../ports/credentials.js';
import type { RunLedger } from '../../runtime/run-ledger.js';

/**
 * Creates the private (0700) directory that holds a supervisor's credentials file, recorded in
 * the run ledger first so a later run removes it if this one is killed. Remove it with `ledger.remove(id)`.
 */
export function makeCredentialsDir(ledger: RunLedger): { path: string; id: string } {
  return ledger.makeTempDir(tmpdir(), 'vaultctl-creds-', { removeOnExit: true });
}

/**
 * Renders `{"username","password"}` to `file` atomically (a 0600 temp file renamed over it), the
 * way a Secret volume or the Vault agent delivers credentials. This file is the delivery channel
 * a `via: file` scenario asks for; it lives only in the supervisor's temp dir while it runs.
 * Synchronous, so overlapping rotations cannot reorder their writes. `version` makes the temp
 * name unique.
 */
export function writeCredentialsFile(file: string, creds: Credentials, version: number): void {
  const tmp = `${file}.${version}.tmp`;
  writeFileSync(tmp, JSON.stringify({ username: creds.username, password: creds.password }), { mode: 0o600 });
  renameSync(tmp, file);
}
