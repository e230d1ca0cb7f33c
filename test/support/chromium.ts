import { afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's chromium package, which .ci/run installs. */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_TIMEOUT_MS = 60_000;

// .ci/run installs Chromium and sets VAULTCTL_REQUIRE_BROWSER=1, so a missing browser fails CI.
// Elsewhere (`npm ci && npm test` on a machine without it) the tests are skipped with a note.
export const skipBrowser = !existsSync(CHROMIUM) && process.env.VAULTCTL_REQUIRE_BROWSER !== '1';
if (skipBrowser) {
  console.warn(`skipping the headless Chromium report tests: ${CHROMIUM} is missing ` +
    '(install Debian\'s chromium, or run .ci/run, to include them)');
}

const profiles: string[] = [];

afterEach(() => {
  for (const dir of profiles.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs headless Chromium on a page with a fresh profile and returns its stdout. The flags keep it
 * off the network (this machine's network is closed; CI's may be too). On timeout the whole
 * process group it started is killed.
 */
export function chromium(extra: string[], url: string): Promise<string> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with ` +
      '`apt-get install -y --no-install-recommends chromium` (CI does this in .ci/run)');
  }
  const profile = mkdtempSync(join(tmpdir(), 'vaultctl-chromium-'));
  profiles.push(profile);
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...extra, url];
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`chromium timed out after ${CHROMIUM_TIMEOUT_MS} ms\n${stderr.slice(-2000)}`));
    }, CHROMIUM_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`chromium exited with ${code}\n${stderr.slice(-2000)}`));
    });
  });
}
