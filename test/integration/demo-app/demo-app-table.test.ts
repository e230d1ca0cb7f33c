import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialIssuer } from '../../../src/ports/credentials.js';
import type { SqlClient } from '../../../src/ports/postgres.js';
import { systemClock } from '../../../src/runtime/runtime.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import type { Scenario } from '../../../src/scenario/model.js';
import { DEFAULT_DATABASE_SETUP, DEMO_TABLE } from '../../../src/scenario/schema.js';
import { defaultStackConfig } from '../../../src/stack/config/index.js';
import { renderAllManifests } from '../../../src/stack/manifests/index.js';
import { POSTGRES_INIT_CONFIGMAP, POSTGRES_INIT_FILE } from '../../../src/stack/manifests/postgres.js';
import { stackDatabaseEngine } from '../../../src/stack/vault-config.js';
import { ensureDatabase } from '../../../src/targets/local/database-setup.js';
import { createDirectIssuer } from '../../../src/targets/local/issuers/direct-issuer.js';
import { rejectionCode, startTestPg, type TestPg } from '../postgres/helpers.js';
import { demoApps, get } from './helpers.js';

/** A scenario as a user writes it, with `database` given as YAML flow text. */
function scenario(database: string): Scenario {
  return parseScenario(
    `apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\ndatabase: ${database}\nload: {duration: 1s}\n`,
    'inline.yaml',
  );
}

/** What a local run does before the app starts (local-stack.ts): the database, its setup, an issuer for its role. */
async function prepare(pg: TestPg, s: Scenario, revocationStatements?: string[]): Promise<{ admin: SqlClient; issuer: CredentialIssuer }> {
  await ensureDatabase(await pg.admin(), s.database.name);
  const admin = await pg.admin(s.database.name);
  for (const sql of s.database.setup) await admin.query(sql);
  const role = { ...s.database.role, ...(revocationStatements ? { revocationStatements } : {}) };
  const issuer = createDirectIssuer({ admin, database: s.database.name, clock: systemClock, secrets: pg.secrets, role });
  return { admin, issuer };
}

/** Sessions of `user` in pg_stat_activity (found by id: a dropped role's sessions have no usename). */
async function sessions(admin: SqlClient, user: string): Promise<number> {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity a WHERE a.usesysid = (SELECT oid FROM pg_roles WHERE rolname = $1)`, [user]);
  return (rows[0] as { n: number }).n;
}

describe('demo app reads a granted table on every request (real process, real Postgres)', () => {
  let pg: TestPg;
  const issuers: CredentialIssuer[] = [];
  const apps = demoApps(() => pg);

  beforeAll(async () => { pg = await startTestPg(); }, 60_000);
  afterEach(() => apps.stopAll());
  afterAll(async () => {
    for (const i of issuers) await i.close().catch(() => undefined);
    await pg?.cleanup();
  }, 60_000);

  it('without database.setup the default creates the demo table; with one, it replaces the default', async () => {
    const plain = scenario('{name: plain}');
    expect(plain.database.setup).toEqual(DEFAULT_DATABASE_SETUP);
    const p = await prepare(pg, plain);
    issuers.push(p.issuer);
    // Idempotent: a second run of the setup on the same database changes nothing.
    for (const sql of plain.database.setup) await p.admin.query(sql);
    expect((await p.admin.query(`SELECT id FROM ${DEMO_TABLE}`)).rows).toEqual([{ id: 1 }]);
    const app = await apps.start(await p.issuer.issue(), { PGDATABASE: 'plain' });
    expect(await get(app.port)).toMatchObject({ status: 200, body: '{"ok":true}' });

    const own = scenario(`{name: own, setup: ["CREATE TABLE items (id int)", "INSERT INTO items VALUES (7)"]}`);
    expect(own.database.setup).toEqual(['CREATE TABLE items (id int)', 'INSERT INTO items VALUES (7)']);
    const o = await prepare(pg, own);
    issuers.push(o.issuer);
    const demo = await apps.start(await o.issuer.issue(), { PGDATABASE: 'own' });
    // The demo app's query really names its table: absent here, so every request fails with 42P01.
    expect(await get(demo.port)).toMatchObject({ status: 503, headers: { 'x-vaultctl-cause': '42P01' } });
    const pointed = await apps.start(await o.issuer.issue(), { PGDATABASE: 'own', DEMO_TABLE: 'items' });
    expect(await get(pointed.port)).toMatchObject({ status: 200, body: '{"ok":true}' });
  }, 90_000);

  it('REVOKE on the table with the session open: 503 with 42501 at once (before the sleep), still ready; GRANT heals', async () => {
    const { admin, issuer } = await prepare(pg, scenario('{name: revoke1}'));
    issuers.push(issuer);
    const creds = await issuer.issue();
    const sleepMs = 1500;
    const app = await apps.start(creds, { PGDATABASE: 'revoke1', POOL_MAX: '1', QUERY_SLEEP_MS: String(sleepMs) });
    let t0 = Date.now();
    expect((await get(app.port)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(sleepMs);
    expect(await sessions(admin, creds.username)).toBe(1);

    await admin.query(`REVOKE SELECT ON ${DEMO_TABLE} FROM "${creds.username}"`);
    t0 = Date.now();
    const denied = await get(app.port);
    // Privileges are checked before the statement runs, so pg_sleep never starts.
    expect(Date.now() - t0).toBeLessThan(sleepMs);
    expect(denied).toMatchObject({ status: 503, headers: { 'x-vaultctl-cause': '42501' } });
    expect(JSON.parse(denied.body)).toEqual({ ok: false, cause: '42501' });
    // The same session, still connected, still ready: the replica keeps serving 503s as a real app would.
    expect(await sessions(admin, creds.username)).toBe(1);
    expect((await get(app.port, '/ready')).status).toBe(200);

    await admin.query(`GRANT SELECT ON ${DEMO_TABLE} TO "${creds.username}"`);
    expect((await get(app.port)).status).toBe(200);
  }, 60_000);

  it("Vault's plugin-default revocation (REVOKE, DROP ROLE, no session kill): the open session answers 42501, a new login 28P01", async () => {
    // An empty list selects Vault's own default statements (statements.ts vaultDefaultRevocation).
    const { admin, issuer } = await prepare(pg, scenario('{name: revoke2}'), []);
    issuers.push(issuer);
    const creds = await issuer.issue();
    const app = await apps.start(creds, { PGDATABASE: 'revoke2', POOL_MAX: '1' });
    expect((await get(app.port)).status).toBe(200);

    await issuer.revoke(creds.leaseId);
    expect((await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [creds.username])).rows).toEqual([]);
    for (let i = 0; i < 3; i++) {
      expect(await get(app.port)).toMatchObject({ status: 503, headers: { 'x-vaultctl-cause': '42501' } });
    }
    expect(await rejectionCode(pg.connectAs(creds.username, creds.password, 'revoke2'))).toBe('28P01');
    expect((await get(app.port, '/healthz')).status).toBe(200);
    expect(app.output()).not.toContain(creds.password);
  }, 60_000);

  it("the Kubernetes lab: Postgres's init script gives the table the lab's Vault role reads, named by the Deployment", async () => {
    const cfg = defaultStackConfig();
    const objs = renderAllManifests(cfg, { adminPassword: 'unused', bundle: '' }) as Array<Record<string, any>>;
    const init = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === POSTGRES_INIT_CONFIGMAP)!;
    const deployment = objs.find((o) => o.kind === 'Deployment')!;
    const env = Object.fromEntries((deployment.spec.template.spec.containers[0].env as { name: string; value?: string }[])
      .filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
    await ensureDatabase(await pg.admin(), 'lab');
    const admin = await pg.admin('lab');
    // As the image's entrypoint does (psql -f): the whole file, statements in order, as the admin user.
    await admin.query(init.data[POSTGRES_INIT_FILE]);
    const { database } = stackDatabaseEngine(cfg, { host: 'unused', adminUser: 'unused', adminPassword: 'unused' });
    const issuer = createDirectIssuer({ admin, database: 'lab', clock: systemClock, secrets: pg.secrets, role: database.role });
    issuers.push(issuer);
    const app = await apps.start(await issuer.issue(), { PGDATABASE: 'lab', DEMO_TABLE: env.DEMO_TABLE });
    expect(await get(app.port)).toMatchObject({ status: 200, body: '{"ok":true}' });
  }, 60_000);

  it('refuses a DEMO_TABLE that is not a plain table name (it is spliced into SQL)', async () => {
    const app = await apps.start(undefined, { DEMO_TABLE: 'items; DROP TABLE x' }, { ready: false });
    expect(await app.exit).toEqual({ code: 2, signal: null });
    expect(app.events()).toEqual([expect.objectContaining({ event: 'config_error', message: expect.stringMatching(/DEMO_TABLE/) })]);
  }, 30_000);
});
