import { defineConfig } from 'vitest/config';

// test/bench/ is run by hand (`npx tsx --expose-gc test/bench/recorder-bench.ts`), never by vitest;
// e2e tests skip themselves unless VAULTCTL_E2E=1.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['**/node_modules/**', 'dist/**', 'test/bench/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
