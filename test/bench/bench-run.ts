/**
 * What the load benchmarks share (load-bench.ts, workers-bench.ts): the scenario they run on the
 * local target (3 graceful replicas of the demo app, a rotation every 5 s, open-model load), one
 * `node bin/vaultctl rotate-test` run of it, and where its CPU went, sampled from /proc every 500 ms
 * and grouped: vaultctl's own process, its load workers (issue 13), the replicas and Postgres.
 * Run by hand after `npm run build`, never by vitest: these are figures of a shared machine.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
const TICKS_PER_S = 100;

export interface BenchScenario {
  rate: number;
  durationS: number;
  warmUpS: number;
  /** `load.workers`: 0 (vaultctl's process sends), N, or `auto`. */
  workers?: number | 'auto';
  /** The demo app's DRAIN_IDLE_CLOSE_MS (see README, "The local target"); its default when absent. */
  drainIdleCloseMs?: string;
  /**
   * `tiny`: test/fixtures/apps/tiny-app.mjs instead of the demo app (graceful, no database query),
   * so the replicas cost little and vaultctl's own process (Service proxy, load) is what limits.
   */
  app?: 'demo' | 'tiny';
}

export function scenarioYaml(s: BenchScenario): string {
  const env = s.app === 'tiny' ? ', command: [node, test/fixtures/apps/tiny-app.mjs], env: {GRACEFUL: "1"}'
    : s.drainIdleCloseMs ? `, env: {DRAIN_IDLE_CLOSE_MS: "${s.drainIdleCloseMs}"}` : '';
  const workers = s.workers !== undefined ? `, workers: ${s.workers}` : '';
  return `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: load-bench-${s.rate}}
delivery: {refreshInterval: 5s, reload: restart}
workload: {replicas: 3, maxSurge: 1, maxUnavailable: 0, gracefulDrain: true, preStop: 500ms, endpointPropagation: 200ms${env}}
load: {rate: ${s.rate}, connections: 50, duration: ${s.durationS}s, warmUp: ${s.warmUpS}s, timeout: 2s${workers}}
`;
}

type CpuSeen = Map<number, { group: string; ticks: number }>;

/** The group of a descendant of vaultctl: the load worker bundle, Postgres, or else a replica. */
function groupOf(pid: number, comm: string): string {
  if (comm.startsWith('postgres')) return 'postgres';
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('load-worker')) return 'workers';
  } catch { /* exited meanwhile */ }
  return 'replicas';
}

/** CPU ticks of a process and its descendants, grouped (see the module comment). */
function sampleCpu(rootPid: number, into: CpuSeen): void {
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
    const group = pid === rootPid ? 'vaultctl' : into.get(pid)?.group ?? groupOf(pid, s.comm);
    into.set(pid, { group, ticks: s.ticks });
  }
}

export interface BenchResult {
  rate: number;
  code: number | null;
  wallS: number;
  status: string;
  load: { scheduled?: number; sent?: number; notSent?: number; lagMs?: { p99?: number }; limitedBy?: string; workers?: number };
  overall: { failures: number; requests: number; byCause: Record<string, number> };
  rotations: number;
  /** Readiness probes that failed (events.ndjson `probe_failed`): replicas too busy to answer /ready. */
  probesFailed: number;
  cpu: Record<string, number>;
}

/** Runs the scenario once with `rotate-test --quiet`, results in `dir`, and reads its run.json. */
export async function runScenario(s: BenchScenario, dir: string, tag = `${s.rate}`): Promise<BenchResult> {
  const file = join(dir, `rate-${tag}.yaml`);
  writeFileSync(file, scenarioYaml(s));
  const out = join(dir, `out-${tag}`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin', 'vaultctl'), 'rotate-test', file, '--out', out, '--quiet'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const seen: CpuSeen = new Map();
  const timer = setInterval(() => sampleCpu(child.pid!, seen), 500);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const cpu: Record<string, number> = {};
  for (const { group, ticks } of seen.values()) cpu[group] = (cpu[group] ?? 0) + ticks / TICKS_PER_S;
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  const rotations = Object.values((run.analysis?.rotations ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
  const probesFailed = readFileSync(join(out, 'events.ndjson'), 'utf8').split('"type":"probe_failed"').length - 1;
  return { rate: s.rate, code, wallS: (performance.now() - t0) / 1000, status: run.status, load: run.load ?? {},
    overall: run.analysis?.overall ?? { failures: 0, requests: 0, byCause: {} }, rotations, probesFailed, cpu };
}

/** The three largest failure causes, `cause×count`. */
export function topCauses(r: BenchResult, n = 3): string {
  return Object.entries(r.overall.byCause).slice(0, n).map(([k, c]) => `${k}×${c}`).join(' ') || '-';
}
