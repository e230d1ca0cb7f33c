import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

/** Compares with test/golden/stack/<file>; UPDATE_GOLDEN=1 (or a missing file) rewrites it (as bootstrap-plan.test.ts does). */
export function expectStackGolden(file: string, text: string): void {
  const path = join(import.meta.dirname, '..', 'golden', 'stack', file);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  expect(text).toBe(readFileSync(path, 'utf8'));
}
