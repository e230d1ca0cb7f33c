import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeVaultApi } from '../../../src/adapters/node-vault-api.js';
import type { RunEvent } from '../../../src/ports/events.js';
import type { VaultApi } from '../../../src/ports/vault.js';
import { recordLeaseCount, RunLeaseCounter } from '../../../src/targets/kubernetes/leases.js';
import { LOOKUP_CONCURRENCY } from '../../../src/targets/kubernetes/lease-lookup.js';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { evaluateThresholds } from '../../../src/analysis/verdict.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { startVaultDouble, type VaultDouble } from '../../support/vault-double.js';
import { seedIdleLeases } from '../../support/vault-double-leases.js';

const HOUR = 3_600_000;
/** The idle lab: ESO refreshes every 1 m, the role's TTL is 1 h, ESO never revokes (stack-facts F). */
const IDLE_LAB = { mount: 'database', role: 'app', count: 60, everyMs: 60_000, newestAgoMs: 30_000, ttlMs: HOUR };

/**
 * The kubernetes target's lease accounting through the real node-vault adapter against the Vault
 * double: LIST sys/leases/lookup/<prefix>, one PUT sys/leases/lookup per lease, the run's start
 * from sys/health server_time_utc (all on the double's clock).
 */
describe('leases a kubernetes run created vs the lab\'s pre-existing ones', () => {
  let vault: VaultDouble;
  let api: VaultApi;
  let events: RunEvent[];
  const sink = { emit: (e: RunEvent) => events.push(e) };
  const wallClock = () => new Date();

  beforeEach(async () => {
    vault = await startVaultDouble();
    api = createNodeVaultApi({ endpoint: vault.endpoint, token: vault.token });
    events = [];
    await api.write('sys/mounts/database', { type: 'database' });
    await api.write('database/config/app-db', { plugin_name: 'postgresql-database-plugin', allowed_roles: ['app', 'app2'] });
    for (const role of ['app', 'app2']) {
      await api.write(`database/roles/${role}`, { db_name: 'app-db', creation_statements: ['CREATE ROLE "{{name}}";'],
        default_ttl: '1h', max_ttl: '24h' });
    }
  });
  afterEach(async () => {
    await vault.close();
  });

  /** The run: the counter starts, the before count, `issued` credentials (ESO's syncs), the after count. */
  async function run(issued: number): Promise<RunEvent[]> {
    const { counter, note } = await RunLeaseCounter.start(api, { mount: 'database', role: 'app', wallClock });
    expect(note).toBeUndefined();
    await recordLeaseCount(counter, { phase: 'before', events: sink, now: () => 1 });
    for (let i = 0; i < issued; i++) await api.read('database/creds/app');
    await recordLeaseCount(counter, { phase: 'after', events: sink, now: () => 9 });
    return events;
  }

  const lookups = () => vault.requests.filter((r) => r.path === 'sys/leases/lookup');

  it('a lab with 60 pre-existing leases + 3 issued by the run: outstanding 3, pre-existing 60', async () => {
    seedIdleLeases(vault.state, IDLE_LAB);
    seedIdleLeases(vault.state, { ...IDLE_LAB, role: 'app2', count: 5 });
    expect(await run(3)).toEqual([
      { t: 1, type: 'leases_counted', phase: 'before', count: 0, preExisting: 60 },
      { t: 9, type: 'leases_counted', phase: 'after', count: 3, preExisting: 60 },
    ]);
    // One lookup per lease per run: the after count looks up only the 3 new ones.
    expect(lookups()).toHaveLength(63);
    expect(lookups()[0]).toMatchObject({ method: 'POST', body: { lease_id: expect.stringMatching(/^database\/creds\/app\//) } });
    const analysis = analyzeRun({ events, timeline: new TimelineRecorder({ binMs: 10, expectedDurationMs: 1000 }).toData(),
      settleMs: 0, measureFromMs: 0, measureToMs: 10 });
    expect(analysis.leases).toEqual({ issued: 0, expired: 0, revoked: 0, outstanding: 3, preExisting: 60 });
  });

  it('scenarios/k8s-expiry.yaml\'s leases.outstanding threshold passes on a lab up for an hour', async () => {
    seedIdleLeases(vault.state, IDLE_LAB);
    await run(2);
    const s = parseScenario(readFileSync(new URL('../../../scenarios/k8s-expiry.yaml', import.meta.url), 'utf8'), 'k8s-expiry.yaml');
    const thresholds = s.thresholds.filter((t) => t.metric === 'leases.outstanding');
    expect(thresholds).toHaveLength(1);
    const analysis = analyzeRun({ events, timeline: new TimelineRecorder({ binMs: 10, expectedDurationMs: 1000 }).toData(),
      settleMs: 0, measureFromMs: 0, measureToMs: 10 });
    const verdict = evaluateThresholds(analysis, thresholds);
    expect(verdict.results).toEqual([expect.objectContaining({ observed: 2, pass: true })]);
  });

  it.each([['behind', -10 * 60_000], ['ahead of', 10 * 60_000]])('splits by Vault\'s own clock when it runs 10 min %s this machine\'s', async (_w, offset) => {
    vault.state.clockOffsetMs = offset;
    seedIdleLeases(vault.state, IDLE_LAB);
    const after = (await run(3)).at(-1);
    expect(after).toMatchObject({ count: 3, preExisting: 60 });
  });

  it('without server_time_utc it falls back to this machine\'s clock and says so', async () => {
    const noClock: VaultApi = { ...api, health: async () => ({ initialized: true, sealed: false }) };
    const { counter, note } = await RunLeaseCounter.start(noClock, { mount: 'database', role: 'app', wallClock });
    expect(note).toMatch(/this machine's clock.*clock skew/);
    expect(Math.abs(counter.startMs - Date.now())).toBeLessThan(5000);
  });

  it('a lease gone between the LIST and its lookup (400 invalid lease) is not counted', async () => {
    seedIdleLeases(vault.state, { ...IDLE_LAB, count: 2 });
    const ghost: VaultApi = { ...api, list: async (p) => [...await api.list(p), 'expired-meanwhile'] };
    const { counter } = await RunLeaseCounter.start(ghost, { mount: 'database', role: 'app', wallClock });
    await api.read('database/creds/app');
    expect(await counter.count()).toEqual({ run: 1, preExisting: 2 });
    expect(lookups().map((r) => r.body?.lease_id)).toContain('database/creds/app/expired-meanwhile');
  });

  it(`a lab with 400 leases is looked up at most ${LOOKUP_CONCURRENCY} at a time`, async () => {
    seedIdleLeases(vault.state, { ...IDLE_LAB, count: 400, everyMs: 5000 });
    let pending = 0;
    let most = 0;
    const counting: VaultApi = { ...api, write: async (p, b) => {
      pending++;
      most = Math.max(most, pending);
      try { return await api.write(p, b); } finally { pending--; }
    } };
    const { counter } = await RunLeaseCounter.start(counting, { mount: 'database', role: 'app', wallClock });
    expect(await counter.count()).toEqual({ run: 0, preExisting: 400 });
    expect(most).toBe(LOOKUP_CONCURRENCY);
  });
});
