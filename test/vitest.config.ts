import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// test/bench/ is run by hand (`npm run bench`), never by vitest;
// e2e tests skip themselves unless VAULTCTL_E2E=1.
export default defineConfig({
  // The config lives in test/ to keep the top level to what users asked for; paths are from the repo root.
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['**/node_modules/**', 'dist/**', 'test/bench/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
