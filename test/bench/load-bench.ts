/**
 * Load benchmark, run by hand (not by vitest), after `npm run build`:
 *
 *   npx tsx test/bench/load-bench.ts [RATES]         (npm run bench:load; RATES default 1000,2000,3000,5000)
 *
 * For each asked rate, runs `node bin/vaultctl rotate-test` on the local target — 3 graceful
 * replicas of the demo app, 10 rotations (refresh every 5 s over 50 s), open-model load — and
 * reports, from run.json, what was asked, scheduled and sent, what failed, how late the generator
 * sent, and where the CPU went: vaultctl's own process (load generator, Service proxy, recorder),
 * the replicas, and Postgres, sampled from /proc every 500 ms. Ratios only: this machine is shared.
 * BENCH_DRAIN_IDLE_CLOSE_MS sets the demo app's DRAIN_IDLE_CLOSE_MS (see README, "The local target").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const RATES = (process.argv[2] ?? '1000,2000,3000,5000').split(',').map(Number);
const TICKS_PER_S = 100;
// The demo app closes idle kept-alive connections this long after SIGTERM (its default is 1000 ms);
// a request sent on one at that moment is reset, so a longer value shows the run without that race.
const DRAIN_IDLE_CLOSE_MS = process.env.BENCH_DRAIN_IDLE_CLOSE_MS;

function scenario(rate: number): string {
  return `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: load-bench-${rate}}
delivery: {refreshInterval: 5s, reload: restart}
workload: {replicas: 3, maxSurge: 1, maxUnavailable: 0, gracefulDrain: true, preStop: 500ms, endpointPropagation: 200ms${DRAIN_IDLE_CLOSE_MS ? `, env: {DRAIN_IDLE_CLOSE_MS: "${DRAIN_IDLE_CLOSE_MS}"}` : ''}}
load: {rate: ${rate}, connections: 50, duration: 50s, warmUp: 3s, timeout: 2s}
`;
}

/** CPU ticks of a process and its descendants, grouped: vaultctl itself, node replicas, postgres. */
function sampleCpu(rootPid: number, into: Map<number, { group: string; ticks: number }>): void {
  const parent = new Map<number, number>();
  const stat = new Map<number, { comm: string; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const raw = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = raw.lastIndexOf(')');
      const comm = raw.slice(raw.indexOf('(') + 1, close);
      const f = raw.slice(close + 2).split(' ');
      parent.set(Number(name), Number(f[1]));
      stat.set(Number(name), { comm, ticks: Number(f[11]) + Number(f[12]) });
    } catch { /* exited meanwhile */ }
  }
  for (const [pid, s] of stat) {
    let p: number | undefined = pid;
    while (p !== undefined && p > 1 && p !== rootPid) p = parent.get(p);
    if (p !== rootPid) continue;
    const group = pid === rootPid ? 'vaultctl' : s.comm.startsWith('postgres') ? 'postgres' : 'replicas';
    into.set(pid, { group, ticks: s.ticks });
  }
}

async function runAt(rate: number, dir: string) {
  const file = join(dir, `rate-${rate}.yaml`);
  writeFileSync(file, scenario(rate));
  const out = join(dir, `out-${rate}`);
  const child = spawn(process.execPath, [join(root, 'bin', 'vaultctl'), 'rotate-test', file, '--out', out, '--quiet'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const seen = new Map<number, { group: string; ticks: number }>();
  const timer = setInterval(() => sampleCpu(child.pid!, seen), 500);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const cpu: Record<string, number> = {};
  for (const { group, ticks } of seen.values()) cpu[group] = (cpu[group] ?? 0) + ticks / TICKS_PER_S;
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  const rotations = Object.values(run.analysis.rotations as Record<string, number>).reduce((a, b) => a + b, 0);
  return { rate, code, load: run.load, overall: run.analysis.overall, rotations, cpu };
}

const dir = mkdtempSync(join(tmpdir(), 'vaultctl-load-bench-'));
try {
  console.log('asked/s  scheduled     sent  sent/asked  not_sent  failures  lag p99  rotations  cpu s: vaultctl replicas postgres  exit');
  for (const rate of RATES) {
    const r = await runAt(rate, dir);
    const asked = rate * 53;
    const l = r.load ?? {};
    console.log(`${String(rate).padStart(7)}  ${String(l.scheduled).padStart(9)}  ${String(l.sent).padStart(7)}  ` +
      `${((100 * l.sent) / asked).toFixed(1).padStart(9)}%  ${String(l.notSent).padStart(8)}  ${String(r.overall.failures).padStart(8)}  ` +
      `${String(l.lagMs?.p99 ?? '-').padStart(6)}ms  ${String(r.rotations).padStart(9)}  ` +
      `${(r.cpu.vaultctl ?? 0).toFixed(1).padStart(15)} ${(r.cpu.replicas ?? 0).toFixed(1).padStart(8)} ${(r.cpu.postgres ?? 0).toFixed(1).padStart(8)}  ${r.code}` +
      (l.limitedBy ? `  limited by ${l.limitedBy}` : '') +
      `\n         causes: ${Object.entries(r.overall.byCause as Record<string, number>).slice(0, 3).map(([k, n]) => `${k}×${n}`).join(' ') || '-'}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
