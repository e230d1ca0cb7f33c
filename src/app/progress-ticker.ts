import type { Runtime } from '../runtime/runtime.js';
import type { Reporter } from '../cli/output.js';
import type { TimelineRecorder } from '../recorder/timeline-recorder.js';
import type { LocalSupervisor } from '../targets/local/supervisor.js';

/**
 * Prints a progress line while load runs: elapsed/total, requests, failures by cause, replicas.
 * Every 2 s on a terminal, every 5 s otherwise (CI logs stay short). Returns a stop function.
 */
export function startProgressTicker(rt: Runtime, reporter: Reporter, recorder: TimelineRecorder,
  info: { supervisor: LocalSupervisor; measureFromMs: number; endMs: number }, now: () => number,
  quiet: boolean): () => void {
  if (quiet) return () => {};
  const every = rt.stderr.isTTY ? 2000 : 5000;
  const total = (info.endMs - info.measureFromMs) / 1000;
  const timer = setInterval(() => {
    const snap = recorder.snapshot();
    const c = info.supervisor.counts();
    const elapsed = Math.max(0, (now() - info.measureFromMs) / 1000);
    const causes = Object.entries(snap.byCause ?? {}).map(([k, v]) => `${k}×${v}`).join(' ');
    reporter.info(`  [${elapsed.toFixed(0)}s/${total}s] ${snap.requests} requests, ${snap.failures} failed` +
      `${causes ? ` (${causes})` : ''}, replicas ${c.ready} ready (${c.new} new, ${c.old} old, ${c.terminating} terminating)`);
  }, every);
  timer.unref();
  return () => clearInterval(timer);
}
