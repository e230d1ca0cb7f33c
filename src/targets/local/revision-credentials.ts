import { join } from 'node:path';
import type { SecretRegistry } from '../../errors/redact.js';
import type { Credentials } from '../../ports/credentials.js';
import type { RunLedger } from '../../runtime/run-ledger.js';
import { makeCredentialsDir, writeCredentialsFile } from './credentials-file.js';
import { databaseUrl } from './workload-env.js';

/** What {@link RevisionCredentials} needs from the supervisor's options. */
export interface RevisionCredentialsOptions {
  via: 'env' | 'file';
  /** Env of every replica before credentials. */
  baseEnv: Record<string, string>;
  secrets: SecretRegistry;
  /** Records the credentials dir (`via: file`) before it is created. */
  ledger: RunLedger;
}

/**
 * The credentials of each revision the supervisor still runs, and how a replica gets them: as
 * PGUSER/PGPASSWORD (`via: env`, fixed at spawn, so each revision keeps its own) or the one file
 * every replica reads (`via: file`, rewritten in place). Every password is registered for redaction.
 */
export class RevisionCredentials {
  private readonly byRevision = new Map<number, Credentials>();
  private dir?: { path: string; id: string };
  /** Bumped on every write of the file; a replica spawned before a write needs a SIGHUP once ready. */
  version = 0;

  constructor(private readonly o: RevisionCredentialsOptions) {}

  /** Keeps `creds` for replicas of `revision` (and writes the file with `via: file`). */
  set(revision: number, creds: Credentials): void {
    this.o.secrets.add(creds.password);
    this.byRevision.set(revision, creds);
    if (this.o.via === 'file') this.write(creds);
  }

  /** `via: file`: re-renders the file replicas read. */
  write(creds: Credentials): void {
    this.o.secrets.add(creds.password);
    this.dir ??= makeCredentialsDir(this.o.ledger);
    writeCredentialsFile(join(this.dir.path, 'credentials.json'), creds, ++this.version);
  }

  /** Path of the credentials file while there is one. */
  file(): string | undefined {
    return this.dir && join(this.dir.path, 'credentials.json');
  }

  /** The env of a replica of `revision`, DATABASE_URL included unless the user's workload.env sets one. */
  envFor(revision: number): Record<string, string> {
    const env = { ...this.o.baseEnv };
    if (this.o.via === 'file') {
      env.CREDENTIALS_FILE = this.file() ?? '';
    } else {
      const c = this.byRevision.get(revision);
      if (!c) throw new Error(`no credentials for revision ${revision}`);
      env.PGUSER = c.username;
      env.PGPASSWORD = c.password;
      // The URL form percent-encodes the password: redact that spelling too.
      this.o.secrets.add(encodeURIComponent(c.password));
    }
    env.DATABASE_URL ??= databaseUrl(env);
    return env;
  }

  /** A rollout completed: older revisions have no replicas left. */
  keepOnly(revision: number): void {
    for (const rev of this.byRevision.keys()) if (rev !== revision) this.byRevision.delete(rev);
  }

  /** Forgets everything and removes the file's directory. */
  clear(): void {
    this.byRevision.clear();
    if (this.dir) this.o.ledger.remove(this.dir.id);
    this.dir = undefined;
  }
}
