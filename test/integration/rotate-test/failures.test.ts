import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  hasEvent, leftovers, useRunDirs, processesMentioning, readRunFile, runVaultctl, waitFor,
} from '../../support/cli-harness.js';
import { createEmbeddedPostgres } from '../../../src/adapters/embedded-postgres-server.js';

// Bad input and failures mid-way: each gives its documented exit code and a clear message, and
// leaves no process, no temp dir and no Postgres behind.
const dirs = useRunDirs('vaultctl-failures-');
let blocker: Server;
let blockedPort: number;

beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  blockedPort = (blocker.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => blocker.close(r));
});

function scenario(name: string, extra: string, duration = '6s'): string {
  const file = join(dirs.out, `${name}.yaml`);
  writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: ${name}}
delivery: {refreshInterval: 2s}
load: {rate: 50, connections: 2, duration: ${duration}, timeout: 2s}
${extra}`);
  return file;
}

function expectNothingLeft(): void {
  expect(processesMentioning(dirs.tmp)).toEqual([]);
  expect(leftovers(dirs.tmp)).toEqual([]);
}

describe('rotate-test failures', () => {
  it('a malformed scenario exits 104 with every error and its file:line:col, before starting anything', async () => {
    const out = join(dirs.out, 'never');
    const { code, rt } = await runVaultctl(['rotate-test', 'test/fixtures/scenarios/invalid-many-errors.yaml', '--out', out]);
    expect(code).toBe(104);
    expect(rt.err()).toContain('invalid-many-errors.yaml:7:13 workload.replicas');
    expect(rt.err()).toContain('invalid-many-errors.yaml:14:3 load.duration');
    expect(rt.err().match(/invalid-many-errors\.yaml:\d+:\d+/g)?.length).toBe(9);
    expect(existsSync(out)).toBe(false);
    expectNothingLeft();
  });

  it('a missing file exits 2 and names it', async () => {
    const { code, rt } = await runVaultctl(['rotate-test', 'no/such/scenario.yaml']);
    expect(code).toBe(2);
    expect(rt.err()).toContain('no/such/scenario.yaml');
  });

  it('issuer vault without VAULT_ADDR/VAULT_TOKEN or a vault binary exits 3 with the ways out', async () => {
    const { code, rt } = await runVaultctl(['rotate-test', 'scenarios/local-vault.yaml', '--out', join(dirs.out, 'vault')], {
      env: { PATH: '/nonexistent', HOME: process.env.HOME },
    });
    expect(code).toBe(3);
    expect(rt.err()).toMatch(/VAULT_ADDR/);
    expect(rt.err()).toMatch(/issuer: direct/);
    expectNothingLeft();
  });

  it('VAULT_ADDR without VAULT_TOKEN is a usage error (exit 2)', async () => {
    const { code, rt } = await runVaultctl(['rotate-test', 'scenarios/local-vault.yaml', '--out', join(dirs.out, 'vault2')], {
      env: { PATH: process.env.PATH, VAULT_ADDR: 'http://127.0.0.1:1' },
    });
    expect(code).toBe(2);
    expect(rt.err()).toMatch(/VAULT_TOKEN/);
    expectNothingLeft();
  });

  it('a service port in use exits 4 naming the port, and cleans up Postgres', async () => {
    const file = scenario('port-in-use', `workload: {replicas: 1, servicePort: ${blockedPort}}`);
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', join(dirs.out, 'port')]);
    expect(code).toBe(4);
    expect(rt.err()).toContain(String(blockedPort));
    expect(rt.err()).toMatch(/hint: .*servicePort/);
    expectNothingLeft();
  });

  it('a replica that crashes at start exits 4 with its output, and leaves nothing behind', async () => {
    const file = scenario('crash', `workload:
  replicas: 2
  command: [node, -e, "console.error('boom: cannot reach the database'); process.exit(3)"]`);
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', join(dirs.out, 'crash')]);
    expect(code).toBe(4);
    expect(rt.err()).toMatch(/exited with code 3 before it was ready/);
    expect(rt.err()).toContain('boom: cannot reach the database');
    const run = JSON.parse(readFileSync(join(dirs.out, 'crash', 'run.json'), 'utf8'));
    expect(run.status).toBe('failed');
    expectNothingLeft();
  });

  it('a Postgres that fails to start exits 4 with its log, and leaves no temp dir', async () => {
    const file = scenario('pg-fails', 'workload: {replicas: 1}');
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', join(dirs.out, 'pg')], {
      // The real adapter, told to use a port that is taken: Postgres itself refuses to start.
      deps: (d) => { d.targets.local.createPostgres = (o) => createEmbeddedPostgres({ ...o, port: blockedPort }); },
    });
    expect(code).toBe(4);
    expect(rt.err()).toMatch(/Postgres failed to start/);
    expect(rt.err()).toMatch(/Address already in use/);
    expectNothingLeft();
  });

  it('a run writes checkpoints while it goes, so a killed run leaves a readable results directory', async () => {
    const file = scenario('checkpoints', 'workload: {replicas: 1}', '14s');
    const out = join(dirs.out, 'checkpoints');
    const running = runVaultctl(['rotate-test', file, '--out', out, '-q']);
    // Only a checkpoint writes run.json before the end; the first comes ~5 s after the load starts.
    // The run has 14 s of load, so it is still going when the checkpoint is read.
    const partial = await Promise.race([
      waitFor('the first checkpoint (run.json)', 60_000, () => readRunFile(out)),
      running.then(({ rt }) => { throw new Error(`the run ended before its first checkpoint:\n${rt.err()}`); }),
    ]);
    expect(partial.status).toBe('running');
    expect(partial.analysis.overall.requests).toBeGreaterThan(0);
    const report = await runVaultctl(['report', out, '--format', 'json']);
    // A run still going is not a result yet: readable, but never a pass.
    expect(report.code).toBe(99);
    expect(JSON.parse(report.rt.out()).runs[0]).toMatchObject({ status: 'running', verdict: { pass: false, incomplete: { kind: 'incomplete' } } });
    const { code } = await running;
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status).toBe('completed');
    expectNothingLeft();
  });

  it('an interrupted run exits 105, keeps what it recorded, and cleans up', async () => {
    const file = scenario('interrupted', 'workload: {replicas: 2}', '30s');
    const out = join(dirs.out, 'interrupted');
    // Interrupted once a checkpoint shows requests recorded: setup under load takes however long it takes.
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out],
      { abortWhen: () => (readRunFile(out)?.analysis?.overall?.requests ?? 0) > 0 });
    expect(code).toBe(105);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.status).toBe('interrupted');
    expect(run.analysis.overall.requests).toBeGreaterThan(0);
    expect(rt.err()).toMatch(/interrupted/);
    expectNothingLeft();
  });

  it('interrupted while Postgres is being created, it still leaves no initdb, server or data dir', async () => {
    const file = scenario('interrupted-early', '');
    const out = join(dirs.out, 'interrupted-early');
    // run_started comes before Postgres is set up: the abort lands during initdb or the server's start.
    const { code, rt } = await runVaultctl(['rotate-test', file, '--out', out], { abortWhen: () => hasEvent(out, 'run_started') });
    expect(code, rt.err()).toBe(105);
    expect(rt.out()).toMatch(/verdict: INTERRUPTED/);
    expectNothingLeft();
  });
});
