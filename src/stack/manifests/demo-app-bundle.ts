import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PrerequisiteError } from '../../errors/errors.js';

/** The bundled demo app, relative to the package root (written by `npm run build`). */
export const DEMO_APP_BUNDLE_PATH = 'dist/demo-app/bundle.cjs';

/**
 * Reads the bundled demo app (one CommonJS file with `pg` inside, runnable on a stock Node image).
 * Resolved from this module: src/stack/manifests/ and dist/stack/manifests/ are both three levels
 * below the package root.
 */
export async function readDemoAppBundle(root: string = fileURLToPath(new URL('../../../', import.meta.url))): Promise<string> {
  const path = `${root.replace(/\/?$/, '/')}${DEMO_APP_BUNDLE_PATH}`;
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PrerequisiteError(`the demo app bundle is missing: ${path}`, 'run `npm run build` in the vaultctl checkout (it bundles src/demo-app/server.ts with esbuild)');
    }
    throw err;
  }
}
