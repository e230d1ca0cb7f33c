import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Tests whose figures depend on timing under load (rollout counts, send lag, first-failure
// instants against a schedule): they run one file at a time, after the rest, so that no other
// test file competes with their replicas and load generator for this machine's two cores.
const TIMING_SENSITIVE = [
  'test/integration/rotate-test/local-scenarios.test.ts',
  'test/integration/rotate-test/ground-truth-cli.test.ts',
  // Lower bounds on the first failure against a lease's or a rotation's event time, within 100 ms:
  // beside another run, the event is recorded later than the lease's clock and the bound fails.
  'test/integration/rotate-test/strategies.test.ts',
  'test/integration/rotate-test/strategy-static-role.test.ts',
  'test/integration/rotate-test/leftovers-*.test.ts',
  'test/integration/load/**/*.test.ts',
  'test/integration/local/**/*.test.ts',
  'test/integration/demo-app/**/*.test.ts',
];

// Runs that spend most of their wall time waiting on a schedule (leases, TTLs, renewals, rollouts) or on
// their own setup, at a low request rate, whose assertions are about the order and windows of events,
// exit codes and what is left behind (each scoped to the run's own temp dir and pids), with margins
// that hold beside one other file: they run two files at a time with the parallel project
// (strategy-compare.test.ts has always run there), which takes the serial lane ~5 min shorter.
const WAITING = [
  // Each delivery strategy's failure profile: failures inside the windows the facts predict, and none outside.
  'test/integration/rotate-test/strategy-{csi,vault-env,vso,direct}.test.ts',
  'test/integration/rotate-test/vault-issuer.test.ts',
  'test/integration/rotate-test/user-workload.test.ts',
  'test/integration/rotate-test/database-causes.test.ts',
  'test/integration/rotate-test/third-party-app.test.ts',
  'test/integration/rotate-test/failures.test.ts',
  'test/integration/rotate-test/database-failures.test.ts',
  'test/integration/report/rotate-test-thresholds.test.ts',
];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

// test/bench/ is run by hand (`npm run bench`), never by vitest;
// e2e tests skip themselves unless VAULTCTL_E2E=1.
export default defineConfig({
  // The config lives in test/ to keep the top level to what users asked for; paths are from the repo root.
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    exclude: ['**/node_modules/**', 'dist/**', 'test/bench/**'],
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: 'parallel',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['**/node_modules/**', 'dist/**', 'test/bench/**', ...TIMING_SENSITIVE, ...WAITING],
          // Two files at a time: unit, contract and golden tests, and runs whose assertions hold under load.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'waiting',
          include: WAITING,
          // The same group as 'parallel' (vitest 4 runs projects of one sequence.groupOrder in one pool,
          // whose maxWorkers they must share): two files at a time in all, never a third beside them.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'timing',
          include: TIMING_SENSITIVE,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
