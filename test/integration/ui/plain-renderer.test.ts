import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../fixtures/ui/plain-run.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const children = new Set<ReturnType<typeof spawn>>();

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
});

/** Runs the fixture with stdout and stderr as pipes (so `isTTY` is false) and collects both. */
function runFixture(mode: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.FORCE_COLOR;
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, mode], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('live view when stderr is not a terminal', () => {
  it('prints plain status and event lines on stderr and nothing on stdout', async () => {
    const r = await runFixture('plain');
    expect(r.stderr, r.stderr).not.toMatch(/\x1b|\r/); // no colour, no cursor movement
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    // Lines logged through the view come out as they are, in order with the rest.
    expect(lines[0]).toBe('• Starting 3 replicas… a logged line');
    expect(lines.at(-1)).toBe('results: a line after stop');

    const status = lines.filter((l) => /^ {2}\[\d+s\/2s [a-z-]+\] /.test(l));
    const phases = status.map((l) => /\/2s ([a-z-]+)\]/.exec(l)?.[1]);
    // A line on every phase change, in order; the 0.5 s status interval adds measuring lines.
    expect([...new Set(phases)]).toEqual(['warm-up', 'measuring', 'settling', 'cleanup']);
    expect(phases.filter((p) => p === 'measuring').length).toBeGreaterThanOrEqual(2);

    // Event lines (src/ui/event-lines.ts) only once load started: none for the initial replicas.
    expect(lines.some((l) => /^ {2}\d+\.\ds rollout to revision 2 started \(refresh\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}\d+\.\ds rollout to revision 2 completed$/.test(l))).toBe(true);
    expect(lines.some((l) => /rotation \(refresh\)/.test(l))).toBe(true);

    const during = status.find((l) => l.includes('rollout r2'));
    expect(during).toMatch(/rollout r2 \(refresh\) 1\/3 ready, \d+\.\ds;/);
    expect(during).toContain('replicas 3 ready, 1 new, 2 old, 1 terminating');
    expect(during).toMatch(/\d[\d,]* requests, \d+ failed \(\d+\.\d+%: conn_refused \d+, http_5xx:28P01 \d+\)/);
    expect(during).toContain('200 req/s');
    expect(during).toContain('thresholds 1 pass, 1 fail, 1 pending; failing: latency.p99 < 500ms');

    const last = status.at(-1) ?? '';
    expect(last).toContain('cleanup]');
    expect(last).toContain('replicas 3 ready, 3 new, 0 old, 0 terminating'); // the source's counts win
    expect(last).toContain('1 rollouts completed');
    expect(last).not.toContain('rollout r2');
  });

  it('prints nothing at all under --quiet', async () => {
    const r = await runFixture('quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
  });

  it('renders with ink on a terminal stream without writing to stdout', async () => {
    const r = await runFixture('tty');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('• Starting 3 replicas… a logged line');
    expect(r.stderr).toContain('rollout to revision 2 started (refresh)');
    const final = r.stderr.slice(r.stderr.lastIndexOf('ui-fixture · '));
    expect(final).toContain('ui-fixture · cleanup');
    expect(final).toContain('replicas: 3 ready · 3 new · 0 old · 0 terminating');
    // After stop lines go straight to stderr, below the final frame (ink's cursor restore may follow).
    expect(final).toMatch(/terminating\n[^]*results: a line after stop\n/);
  });
});
