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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario, topCauses } from './bench-run.js';

const RATES = (process.argv[2] ?? '1000,2000,3000,5000').split(',').map(Number);
// The demo app closes idle kept-alive connections this long after SIGTERM (its default is 1000 ms);
// a request sent on one at that moment is reset, so a longer value shows the run without that race.
const DRAIN_IDLE_CLOSE_MS = process.env.BENCH_DRAIN_IDLE_CLOSE_MS;

const dir = mkdtempSync(join(tmpdir(), 'vaultctl-load-bench-'));
try {
  console.log('asked/s  scheduled     sent  sent/asked  not_sent  failures  lag p99  rotations  cpu s: vaultctl replicas postgres  exit');
  for (const rate of RATES) {
    const r = await runScenario({ rate, durationS: 50, warmUpS: 3, drainIdleCloseMs: DRAIN_IDLE_CLOSE_MS }, dir);
    const asked = rate * 53;
    const l = r.load;
    console.log(`${String(rate).padStart(7)}  ${String(l.scheduled).padStart(9)}  ${String(l.sent).padStart(7)}  ` +
      `${((100 * (l.sent ?? 0)) / asked).toFixed(1).padStart(9)}%  ${String(l.notSent).padStart(8)}  ${String(r.overall.failures).padStart(8)}  ` +
      `${String(l.lagMs?.p99 ?? '-').padStart(6)}ms  ${String(r.rotations).padStart(9)}  ` +
      `${(r.cpu.vaultctl ?? 0).toFixed(1).padStart(15)} ${(r.cpu.replicas ?? 0).toFixed(1).padStart(8)} ${(r.cpu.postgres ?? 0).toFixed(1).padStart(8)}  ${r.code}` +
      (l.limitedBy ? `  limited by ${l.limitedBy}` : '') +
      `\n         causes: ${topCauses(r)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
