import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalError } from '../../../src/errors/errors.js';
import type { CredentialIssuer } from '../../../src/ports/credentials.js';
import type { SqlClient } from '../../../src/ports/postgres.js';
import { systemClock } from '../../../src/runtime/runtime.js';
import type { Scenario } from '../../../src/scenario/model.js';
import { ensureDatabase } from '../../../src/targets/local/database-setup.js';
import { createDirectIssuer } from '../../../src/targets/local/issuers/direct-issuer.js';
import { rejectionCode, startTestPg, waitFor, type TestPg } from './helpers.js';

type Role = Scenario['database']['role'];

const role = (over: Partial<Role> = {}): Role => ({
  name: 'app',
  creationStatements: [
    `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`,
  ],
  revocationStatements: [
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`,
    `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{name}}";`,
    `REVOKE USAGE ON SCHEMA public FROM "{{name}}";`,
    `DROP ROLE IF EXISTS "{{name}}";`,
  ],
  renewStatements: [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`],
  defaultTtlMs: 60_000,
  maxTtlMs: 600_000,
  ...over,
});

describe('direct issuer on real Postgres', () => {
  let pg: TestPg;
  let admin: SqlClient;
  const issuers: CredentialIssuer[] = [];
  const logs: string[] = [];
  const thrown: string[] = [];
  const make = (over: Partial<Role> = {}) => {
    const issuer = createDirectIssuer({ admin, role: role(over), database: 'app', clock: systemClock, secrets: pg.secrets, log: (l) => logs.push(l) });
    issuers.push(issuer);
    return issuer;
  };
  const login = (user: string, password: string) => pg.connectAs(user, password, 'app');
  const generatedRoles = async () =>
    (await admin.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE 'v-vaultctl-%'`)).rows.map((r) => r.rolname);
  const captured = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      thrown.push((err as Error).message);
      throw err;
    }
  };

  beforeAll(async () => {
    pg = await startTestPg();
    await ensureDatabase(await pg.admin(), 'app');
    await ensureDatabase(await pg.admin(), 'app'); // idempotent
    admin = await pg.admin('app');
    await admin.query('CREATE TABLE items (id int); INSERT INTO items VALUES (1), (2)');
  }, 60_000);
  afterAll(async () => {
    for (const i of issuers) await i.close().catch(() => undefined);
    await pg?.cleanup();
  }, 60_000);

  it('issues Vault-style credentials that log in and can read the granted table', async () => {
    const issuer = make();
    const before = systemClock.now();
    const creds = await issuer.issue();
    expect(creds.leaseId).toMatch(/^database\/creds\/app\/[A-Za-z0-9]+$/);
    expect(creds.username).toMatch(/^v-vaultctl-app-[A-Za-z0-9]{20}-\d{10}$/);
    expect(creds.password).toMatch(/^[A-Za-z0-9-]{20}$/);
    expect(creds.password).toContain('-');
    expect(creds.ttlMs).toBe(60_000);
    expect(creds.issuedAt).toBeGreaterThanOrEqual(before);
    expect(pg.secrets.redact(creds.password)).toBe('***');
    expect(issuer.outstanding()).toEqual([creds.leaseId]);

    const c = await login(creds.username, creds.password);
    expect((await c.query('SELECT count(*)::int AS n FROM items')).rows[0].n).toBe(2);
    const { rows } = await admin.query(`SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1`, [creds.username]);
    const validUntil = (rows[0].rolvaliduntil as Date).getTime();
    expect(Math.abs(validUntil - (Date.now() + 60_000))).toBeLessThan(3000);
    await c.close();
    await issuer.revoke(creds.leaseId);
  }, 30_000);

  it('expires a lease at its TTL: revocation ends open sessions (57P01), new logins get 28P01', async () => {
    const issuer = make({ defaultTtlMs: 2000 });
    const expired: string[] = [];
    issuer.onExpired((id) => expired.push(id));
    const creds = await issuer.issue();
    const early = await login(creds.username, creds.password);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await early.query('SELECT 1 AS one')).rows[0].one).toBe(1); // still valid
    const inFlight = rejectionCode(early.query('SELECT pg_sleep(10)'));
    expect(await inFlight).toBe('57P01');
    await waitFor(() => expired.length > 0, 2000, 'the expiry listener');
    expect(expired).toEqual([creds.leaseId]);
    expect(issuer.outstanding()).toEqual([]);
    expect(await rejectionCode(login(creds.username, creds.password))).toBe('28P01');
    expect(logs.join('\n')).toContain(`lease ${creds.leaseId} expired`);
  }, 30_000);

  it('revokes now: in-flight and next queries fail 57P01, new logins 28P01; revoking again is a no-op', async () => {
    const issuer = make();
    const creds = await issuer.issue();
    const busy = await login(creds.username, creds.password);
    const idle = await login(creds.username, creds.password);
    await idle.query('SELECT 1');
    const inFlight = rejectionCode(busy.query('SELECT pg_sleep(10)'));
    await new Promise((r) => setTimeout(r, 200));
    await issuer.revoke(creds.leaseId);
    expect(await inFlight).toBe('57P01');
    await new Promise((r) => setTimeout(r, 100));
    expect(await rejectionCode(idle.query('SELECT 1'))).toBe('57P01');
    expect(await rejectionCode(login(creds.username, creds.password))).toBe('28P01');
    expect(issuer.outstanding()).toEqual([]);
    await issuer.revoke(creds.leaseId);
    await issuer.revoke('database/creds/app/unknown');
  }, 30_000);

  it('renews: extends VALID UNTIL and the expiry timer, capped at issue time + maxTtl', async () => {
    const issuer = make({ defaultTtlMs: 2000, maxTtlMs: 4000 });
    const creds = await issuer.issue();
    expect(await issuer.renew(creds.leaseId, 1000)).toBe(1000);
    const granted = await issuer.renew(creds.leaseId, 60_000);
    expect(granted).toBeGreaterThan(3000);
    expect(granted).toBeLessThanOrEqual(4000);
    const { rows } = await admin.query(`SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1`, [creds.username]);
    expect(Math.abs((rows[0].rolvaliduntil as Date).getTime() - (Date.now() + granted))).toBeLessThan(1000);
    // Past the original 2 s TTL the lease and the login are still alive.
    await new Promise((r) => setTimeout(r, 2500));
    expect(issuer.outstanding()).toContain(creds.leaseId);
    await (await login(creds.username, creds.password)).close();
    // ...and it ends at maxTtl.
    await waitFor(() => issuer.outstanding().length === 0, 4000, 'expiry at maxTtl');
    expect(await rejectionCode(login(creds.username, creds.password))).toBe('28P01');
    const renewGone = captured(issuer.renew(creds.leaseId, 1000));
    await expect(renewGone).rejects.toBeInstanceOf(ExternalError);
  }, 30_000);

  it('rolls back a failed creation and never puts the password in the error', async () => {
    const issuer = make({
      creationStatements: [
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
        // Fails, and Postgres quotes the value back: "invalid input syntax for type integer: "A1a-...""
        `SELECT '{{password}}'::int;`,
      ],
    });
    const rolesBefore = await generatedRoles();
    const err = await captured(issuer.issue()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).message).toContain('22P02');
    expect((err as ExternalError).message).toContain('***');
    expect(await generatedRoles()).toEqual(rolesBefore);
    expect(issuer.outstanding()).toEqual([]);
  }, 30_000);

  it('close() revokes every outstanding lease and refuses new ones; no password ever reached an error or log', async () => {
    const issuer = make();
    for (let i = 0; i < 3; i++) await issuer.issue();
    expect(issuer.outstanding()).toHaveLength(3);
    await issuer.close();
    expect(issuer.outstanding()).toEqual([]);
    await expect(captured(issuer.issue())).rejects.toBeInstanceOf(ExternalError);
    for (const i of issuers) await i.close();
    expect(await generatedRoles()).toEqual([]);
    const passwordLike = /A1a-[A-Za-z0-9]{16}/;
    for (const text of [...thrown, ...logs, ...pg.logs]) expect(text).not.toMatch(passwordLike);
  }, 30_000);
});
