import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/scenario/loader.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const files = (readdirSync(join(ROOT, 'scenarios'), { recursive: true }) as string[])
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => relative(ROOT, join(ROOT, 'scenarios', f)))
  .sort();

describe('every example under scenarios/ loads', () => {
  it('finds the examples', () => {
    expect(files).toContain('scenarios/local-quickstart.yaml');
  });

  it.each(files)('%s', async (file) => {
    const s = await loadScenarioFile(join(ROOT, file));
    expect(s.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });
});
