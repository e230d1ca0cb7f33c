/**
 * `vaultctl report` benchmark, run by hand (not by vitest), after `npm run build`:
 *
 *   npx tsx --expose-gc test/bench/report-bench.ts        (npm run bench:report)
 *
 * Synthesises a results directory of 10 million requests — 1000 s at 10 000 req/s across outcome
 * kinds, 30 rollouts that each drop requests for 300 ms — by driving a real TimelineRecorder and
 * the real results writer, then times `node bin/vaultctl report DIR --format json` as a child
 * process and measures its peak RSS (`/usr/bin/time -v` "Maximum resident set size" when present,
 * else VmRSS of /proc/<pid>/status polled every 20 ms). Targets: 2 s wall time, 200 MB peak.
 * BENCH_RUNS (default 3) sets how many timed child runs; the median is reported.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRun } from '../../src/analysis/analyze.js';
import type { RunEvent } from '../../src/ports/events.js';
import type { OutcomeKind } from '../../src/ports/outcomes.js';
import { createResultsWriter } from '../../src/results/results-dir.js';
import { RUN_SCHEMA_VERSION, TIME_ZERO_NOTE } from '../../src/results/run-file.js';
import { TimelineRecorder } from '../../src/recorder/timeline-recorder.js';
import { layoutTable } from '../../src/report/table-layout.js';
import { loadScenarioFile } from '../../src/scenario/loader.js';
import { parseThreshold } from '../../src/scenario/thresholds.js';

const root = join(import.meta.dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = 1000;
const RATE = 10_000;
const ROLLOUTS = 30;
const WARM_UP_MS = 1000;
const TARGET = { seconds: 2, mb: 200 };

/** Writes the synthetic results directory; returns its request count and size on disk. */
async function synthesize(dir: string): Promise<{ requests: number; bytes: number }> {
  const scenario = await loadScenarioFile(join(root, 'scenarios', 'local-quickstart.yaml'));
  scenario.thresholds = ['rollout.failure_rate < 0.1%', 'rollout.downtime <= 500ms', 'baseline.failure_rate == 0',
    'latency.p99 < 2s', 'leases.outstanding <= 40'].map((e) => parseThreshold(e));
  const writer = await createResultsWriter(dir);
  const events: RunEvent[] = [];
  const emit = (e: RunEvent) => {
    events.push(e);
    writer.emit(e);
  };
  const measureFromMs = WARM_UP_MS;
  const measureToMs = WARM_UP_MS + SECONDS * 1000;
  const rec = new TimelineRecorder({ binMs: scenario.analysis.binMs, expectedDurationMs: measureToMs + 1000 });
  emit({ t: 0, type: 'run_started', target: 'local', scenario: scenario.name });
  emit({ t: 5, type: 'credentials_issued', leaseId: 'lease-0', username: 'v-0', ttlMs: 3_600_000, issuer: 'direct' });
  emit({ t: 10, type: 'load_started' });
  const every = (SECONDS * 1000) / ROLLOUTS;
  const rolloutStarts = Array.from({ length: ROLLOUTS }, (_, i) => measureFromMs + 10_000 + i * every);
  for (const [i, t] of rolloutStarts.entries()) {
    const revision = i + 2;
    emit({ t: t - 50, type: 'rotation_triggered', trigger: i % 10 === 9 ? 'revoke' : 'refresh' });
    emit({ t: t - 20, type: 'credentials_issued', leaseId: `lease-${i + 1}`, username: `v-${i + 1}`, ttlMs: 3_600_000, issuer: 'direct' });
    emit({ t, type: 'rollout_started', revision, trigger: i % 10 === 9 ? 'revoke' : 'refresh', replicas: 3 });
    for (let r = 0; r < 3; r++) {
      emit({ t: t + 100 + r * 600, type: 'replica_ready', replica: `r${revision}-${r}`, revision });
      emit({ t: t + 400 + r * 600, type: 'replica_exited', replica: `r${revision - 1}-${r}`, revision: revision - 1,
        code: 0, signal: null, expected: true });
    }
    emit({ t: t + 1900, type: 'rollout_completed', revision });
    if (i % 3 === 0) emit({ t: t + 2000, type: 'lease_revoked', leaseId: `lease-${i}`, reason: 'revoke' });
  }
  // Requests are evenly spaced; during the first 300 ms of each rollout a third of them fail.
  const total = SECONDS * RATE + (WARM_UP_MS / 1000) * RATE;
  let nextRollout = 0;
  for (let i = 0; i < total; i++) {
    const start = 10 + (i * 1000) / RATE;
    while (nextRollout < ROLLOUTS && start > rolloutStarts[nextRollout] + 300) nextRollout++;
    const inBlip = nextRollout < ROLLOUTS && start >= rolloutStarts[nextRollout];
    let kind: OutcomeKind = 'ok';
    let cause: string | undefined;
    const r = (i * 7919) % 1000;
    if (inBlip && r < 333) [kind, cause] = r < 200 ? ['conn_refused', 'no_endpoints'] : ['http_5xx', '57P01'];
    else if (r === 999 && i % 7 === 0) kind = 'timeout';
    const latencyMs = kind === 'timeout' ? 2000 : kind === 'conn_refused' ? 0.2 : 1 + ((i * 31) % 400) / 10;
    rec.record({ start, latencyMs, kind, cause });
  }
  emit({ t: measureToMs + 10, type: 'load_finished' });
  emit({ t: measureToMs + 20, type: 'run_finished' });
  const timeline = rec.toData();
  const analysis = analyzeRun({ events, timeline: rec, settleMs: scenario.analysis.settleMs, leadMs: scenario.analysis.leadMs,
    measureFromMs, measureToMs });
  await writer.finish({ schemaVersion: RUN_SCHEMA_VERSION, tool: { name: 'vaultctl', version: 'bench' }, scenario,
    startedAt: new Date(0).toISOString(), timeZero: TIME_ZERO_NOTE, measureFromMs, measureToMs, status: 'completed',
    load: { sent: total, completed: total, errors: 0, timeouts: 0 }, analysis }, timeline);
  const bytes = ['run.json', 'events.ndjson', 'timeline.json'].reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  return { requests: total, bytes };
}

interface ChildResult { wallS: number; peakMb: number; code: number | null; stdoutBytes: number; how: string }

/** Runs the CLI once as a child and measures wall time and peak RSS. */
function timeChild(args: string[]): Promise<ChildResult> {
  const useTime = existsSync('/usr/bin/time');
  const cmd = useTime ? '/usr/bin/time' : process.execPath;
  const argv = useTime ? ['-v', process.execPath, ...args] : args;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
    let stdoutBytes = 0;
    let stderr = '';
    let polled = 0;
    child.stdout.on('data', (b: Buffer) => (stdoutBytes += b.length));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // Without /usr/bin/time the child is node itself: poll its resident set.
    const poll = useTime ? undefined : setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        polled = Math.max(polled, kb);
      } catch {
        // exited between polls
      }
    }, 20);
    child.once('error', reject);
    child.once('close', (code) => {
      const wallS = (performance.now() - t0) / 1000;
      clearInterval(poll);
      const maxKb = useTime ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN) : polled;
      if (code !== 0 && code !== 99) return reject(new Error(`report exited ${code}: ${stderr.slice(0, 2000)}`));
      resolve({ wallS, peakMb: maxKb / 1024, code, stdoutBytes, how: useTime ? '/usr/bin/time -v' : 'VmRSS polled every 20 ms' });
    });
  });
}

/** `node bin/vaultctl report ...`, or an equivalent entry while `report` is not wired into the program yet. */
async function reportArgs(dir: string): Promise<{ args: string[]; entry: string }> {
  const bin = ['bin/vaultctl', 'report', dir, '--format', 'json'];
  const probe = await new Promise<string>((resolve) => {
    const c = spawn(process.execPath, ['bin/vaultctl', 'report', '--help'], { cwd: root });
    let text = '';
    c.stdout.on('data', (b: Buffer) => (text += b.toString()));
    c.stderr.on('data', (b: Buffer) => (text += b.toString()));
    c.on('close', () => resolve(text));
  });
  if (!probe.includes('not yet available')) return { args: bin, entry: 'node bin/vaultctl report' };
  const script = `
    const { Command } = await import('commander');
    const { newReportCommand } = await import('./dist/cli/commands/report.js');
    const { createProcessRuntime } = await import('./dist/runtime/process-runtime.js');
    const rt = createProcessRuntime();
    const p = new Command('vaultctl').exitOverride();
    p.addCommand(newReportCommand(rt, { version: 'bench' }).exitOverride());
    let code = 0;
    try { await p.parseAsync(process.argv.slice(1), { from: 'user' }); } catch (e) { code = e.exitCode ?? 1; if (code !== 99) console.error(e); }
    await new Promise((r) => process.stdout.write('', r));
    process.exit(code);`;
  return { args: ['--input-type=module', '-e', script, 'report', dir, '--format', 'json'],
    entry: 'dist/cli/commands/report.js via node -e (report is not wired into bin/vaultctl yet)' };
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'dist', 'app', 'report.js'))) throw new Error('run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'vaultctl-report-bench-'));
  try {
    const t = performance.now();
    const { requests, bytes } = await synthesize(dir);
    const synthS = (performance.now() - t) / 1000;
    const { args, entry } = await reportArgs(dir);
    await timeChild(args); // warm the file cache; not counted
    const runs: ChildResult[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await timeChild(args));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const wall = median(runs.map((r) => r.wallS));
    const peak = median(runs.map((r) => r.peakMb));
    const rows = [
      ['measure', 'value', 'target'],
      ['requests in the results directory', requests.toLocaleString('en'), ''],
      ['results directory size', `${(bytes / 2 ** 20).toFixed(1)} MB`, ''],
      ['synthesis (record + write)', `${synthS.toFixed(1)} s`, ''],
      ['report --format json wall time (runs)', runs.map((r) => r.wallS.toFixed(2)).join(' '), ''],
      ['median wall time', `${wall.toFixed(2)} s`, `${TARGET.seconds} s ${wall <= TARGET.seconds ? 'OK' : 'MISSED'}`],
      ['peak RSS (runs)', runs.map((r) => r.peakMb.toFixed(0)).join(' '), ''],
      ['median peak RSS', `${peak.toFixed(0)} MB`, `${TARGET.mb} MB ${peak <= TARGET.mb ? 'OK' : 'MISSED'}`],
      ['JSON report size', `${(runs[0].stdoutBytes / 1024).toFixed(0)} KB`, ''],
      ['exit code', String(runs[0].code), ''],
    ];
    console.log(`report bench: ${SECONDS} s at ${RATE} req/s, ${ROLLOUTS} rollouts, node ${process.version}`);
    console.log(`child: ${entry}; peak RSS by ${runs[0].how}`);
    console.log(layoutTable(rows, ['left', 'right', 'left']).join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
