import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PrerequisiteError } from '../../../src/errors/errors.js';
import { DEMO_APP_BUNDLE_PATH, readDemoAppBundle } from '../../../src/stack/manifests/demo-app-bundle.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

let dirs: string[] = [];
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  child = undefined;
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});
const tempDir = async (tag: string) => {
  const d = await mkdtemp(join(tmpdir(), `vaultctl-${tag}-`));
  dirs.push(d);
  return d;
};

/** The esbuild arguments of `npm run build`, so the test bundles exactly as the build does. */
async function buildArgs(outfile: string): Promise<string[]> {
  const pkg = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { scripts: { build: string } };
  const cmd = pkg.scripts.build.split('&&').map((s) => s.trim()).find((s) => s.startsWith('esbuild '));
  expect(cmd, 'the build script runs esbuild').toBeDefined();
  return cmd!.split(/\s+/).slice(1).map((a) => (a.startsWith('--outfile=') ? `--outfile=${outfile}` : a));
}

describe('demo app bundle', () => {
  it('runs standalone: no node_modules, no database, /healthz answers 200 and /ready 503', async () => {
    const out = await tempDir('bundle-build');
    const bundle = join(out, 'bundle.cjs');
    await run(join(ROOT, 'node_modules/.bin/esbuild'), await buildArgs(bundle), { cwd: ROOT, timeout: 60_000 });

    // A directory of its own, as in the ConfigMap mount: nothing to resolve `pg` from.
    const app = await tempDir('bundle-run');
    await copyFile(bundle, join(app, 'server.cjs'));
    expect(existsSync(join(app, 'node_modules'))).toBe(false);
    const proc = spawn(process.execPath, [join(app, 'server.cjs')], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', PORT: '0', PGHOST: '127.0.0.1', PGPORT: '1', PGCONNECT_TIMEOUT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
    const port = await new Promise<number>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`no "listening" line in 20 s; stderr: ${stderr}`)), 20_000);
      proc.stdout!.on('data', (b: Buffer) => {
        buf += b.toString();
        const line = buf.split('\n').find((l) => l.includes('"event":"listening"'));
        if (line) { clearTimeout(timer); resolve((JSON.parse(line) as { port: number }).port); }
      });
      proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}; stderr: ${stderr}`)); });
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(503);

    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  }, 90_000);

  it('readDemoAppBundle reads <root>/dist/demo-app/bundle.cjs', async () => {
    const root = await tempDir('bundle-root');
    await mkdir(join(root, 'dist/demo-app'), { recursive: true });
    await writeFile(join(root, DEMO_APP_BUNDLE_PATH), 'bundle text');
    expect(await readDemoAppBundle(root)).toBe('bundle text');
  });

  it('readDemoAppBundle explains a missing bundle (run npm run build)', async () => {
    const root = await tempDir('bundle-missing');
    const err = await readDemoAppBundle(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrerequisiteError);
    expect((err as PrerequisiteError).message).toBe(`the demo app bundle is missing: ${root}/${DEMO_APP_BUNDLE_PATH}`);
    expect((err as PrerequisiteError).hint).toMatch(/npm run build/);
  });

  it('by default it looks in the package root', async () => {
    const expected = `${ROOT}${DEMO_APP_BUNDLE_PATH}`;
    await readDemoAppBundle().then(
      async (text) => expect(text).toBe(await readFile(expected, 'utf8')),
      (err: unknown) => expect((err as Error).message).toBe(`the demo app bundle is missing: ${expected}`),
    );
  });
});
