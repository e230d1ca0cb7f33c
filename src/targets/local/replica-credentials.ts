import { join } from 'node:path';
import type { SecretRegistry } from '../../errors/redact.js';
import type { Credentials } from '../../ports/credentials.js';
import type { RunLedger } from '../../runtime/run-ledger.js';
import { makeCredentialsDir, writeCredentialsFile } from './credentials-file.js';
import { databaseUrl } from './workload-env.js';

/**
 * Where per-replica credentials come from: one issue per replica start (a CSI mount at pod start,
 * vault-env at exec; facts file §3 "Per pod", §5 "Dynamic creds"). ReplicaLeases is the local target's.
 */
export interface PerReplicaIssuer {
  issue(replicaId: string): Promise<Credentials>;
}

/** What {@link ReplicaCredentials} needs from the supervisor's options. */
export interface ReplicaCredentialsOptions {
  via: 'env' | 'file';
  baseEnv: Record<string, string>;
  secrets: SecretRegistry;
  ledger: RunLedger;
}

/**
 * Per-replica credentials (the alternative to RevisionCredentials' one set per revision): each
 * replica's env carries its own PGUSER/PGPASSWORD (`via: env`), or points at its own file
 * (`via: file`: `<dir>/<replica>.json`, like each pod's own CSI mount), rewritten in place by update().
 */
export class ReplicaCredentials {
  private dir?: { path: string; id: string };
  private version = 0;
  private readonly current = new Map<string, Credentials>();

  constructor(private readonly o: ReplicaCredentialsOptions) {}

  /** The env of a replica starting with `creds` (its file written first with `via: file`). */
  envFor(replicaId: string, creds: Credentials): Record<string, string> {
    this.remember(replicaId, creds);
    const env = { ...this.o.baseEnv };
    if (this.o.via === 'file') {
      env.CREDENTIALS_FILE = this.write(replicaId, creds);
    } else {
      env.PGUSER = creds.username;
      env.PGPASSWORD = creds.password;
      this.o.secrets.add(encodeURIComponent(creds.password));
    }
    env.DATABASE_URL ??= databaseUrl(env);
    return env;
  }

  /** `via: file`: re-renders one replica's file in place (a CSI rotation poll). */
  update(replicaId: string, creds: Credentials): void {
    if (this.o.via !== 'file') throw new Error('per-replica credentials can only be updated in place with delivery.via: file');
    this.remember(replicaId, creds);
    this.write(replicaId, creds);
  }

  /** The credentials a replica was last given. */
  of(replicaId: string): Credentials | undefined {
    return this.current.get(replicaId);
  }

  /** Forgets everything and removes the files' directory. */
  clear(): void {
    this.current.clear();
    if (this.dir) this.o.ledger.remove(this.dir.id);
    this.dir = undefined;
  }

  private remember(replicaId: string, creds: Credentials): void {
    this.o.secrets.add(creds.password);
    this.current.set(replicaId, creds);
  }

  private write(replicaId: string, creds: Credentials): string {
    this.dir ??= makeCredentialsDir(this.o.ledger);
    const file = join(this.dir.path, `${replicaId}.json`);
    writeCredentialsFile(file, creds, ++this.version);
    return file;
  }
}
