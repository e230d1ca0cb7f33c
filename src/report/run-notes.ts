import { expectsRollouts } from '../analysis/completeness.js';
import type { LoadSummary } from '../ports/load.js';
import type { RunAnalysis } from '../analysis/analyze.js';
import type { LeaseCounts } from '../analysis/run-events.js';
import type { StartupStats } from '../analysis/startup.js';
import type { ReportRun } from './report-run.js';
import { formatMs } from './text-table.js';
import { SQLSTATE_MEANINGS } from './sqlstate.js';

/** What the notes of a run read: its file, analysis and verdict. */
export type NotedRun = Pick<ReportRun, 'run' | 'analysis' | 'verdict'>;

/** Below this share of the schedule sent, a run says the asked load was not delivered. */
export const SENT_WARNING_RATIO = 0.95;

/**
 * What the load generator did, in one sentence (without the `load: ` label), from run.json `load`:
 * `open model, 6000 scheduled, 5998 sent (99.97%), 5990 answered, 2 not sent, 8 errors (0 timeouts),
 * send lag p99 3ms, max 12ms` or `closed loop (rate: max), ...`; undefined when the run has none.
 */
export function loadSentence(load: LoadSummary | undefined): string | undefined {
  if (!load) return undefined;
  const errors = `${load.errors} errors (${load.timeouts} timeouts)`;
  if (load.model === 'closed') return `closed loop (rate: max), ${load.sent} sent, ${load.completed} answered, ${errors}`;
  if (load.model !== 'open') return `${load.sent} sent, ${load.completed} answered, ${errors}`;
  const lag = load.lagMs ? `, send lag p99 ${round(load.lagMs.p99)}ms, max ${round(load.lagMs.max)}ms` : '';
  const workers = load.workers ? `, ${load.workers} load worker${load.workers === 1 ? '' : 's'}${load.workersLost ? ` (${load.workersLost} lost)` : ''}` : '';
  return `open model${workers}, ${load.scheduled} scheduled, ${load.sent} sent (${percent(load.sent, load.scheduled)}), ` +
    `${load.completed} answered, ${load.notSent} not sent, ${errors}${lag}`;
}

/**
 * The warnings of a run, one sentence each (without a `warning: ` label): the run did not
 * complete (what is missing), less than 95% of the schedule was sent (and why), rollouts were
 * expected and none came, rotations failed, the database failed. Empty when all is well.
 */
export function runWarnings(r: NotedRun): string[] {
  const out: string[] = [];
  const a = r.analysis;
  const inc = r.verdict.incomplete;
  if (inc) {
    out.push(`${inc.kind === 'interrupted' ? 'interrupted run' : 'incomplete run'}: ${inc.reasons.join('; ')}; ` +
      'the figures cover only what was recorded, so the verdict cannot pass');
  }
  const sent = sentShare(r);
  if (sent && sent.sent < sent.scheduled * SENT_WARNING_RATIO) {
    out.push(`only ${percent(sent.sent, sent.scheduled)} of the scheduled requests were sent (${sent.sent} of ` +
      `${sent.scheduled}${sent.measured ? ' in the measured range' : ''}): ${shortfallCause(r)}`);
  }
  if (a.rollouts.length === 0 && r.run.scenario && expectsRollouts(r.run.scenario)) {
    out.push('expected rollouts, none observed: the scenario rotates credentials and rolls its workload, ' +
      'so every rollout.* threshold fails');
  }
  const at = (t: number) => `${((t - a.measureFromMs) / 1000).toFixed(1)}s`;
  for (const f of a.failedRotations ?? []) out.push(`rotation at ${at(f.t)} (${f.trigger}) failed: ${f.message}`);
  for (const d of a.databaseFailures ?? []) out.push(`database failed at ${at(d.t)}: ${d.message}`);
  for (const w of a.lostLoadWorkers ?? []) {
    out.push(`load worker ${w.worker}/${w.workers} lost at ${at(w.t)} (${w.reason}): ${w.notSent} requests of its share recorded as not_sent`);
  }
  for (const x of a.unexpectedExits ?? []) {
    const how = x.signal ? `was killed by ${x.signal}` : `exited with code ${x.code}`;
    out.push(`replica ${x.replica} (revision ${x.revision}) ${how} at ${at(x.t)} without being asked to; its output is in replicas/${x.replica}.log`);
  }
  for (const row of a.rollouts.filter((x) => x.triggers.length > 1)) {
    out.push(`rollouts overlapped (row #${row.index}, ${row.trigger}): a rotation came while the previous rollout was still ` +
      `going${row.startup ? `; replicas took ${startupText(row.startup)} from spawn to ready` : ''}. Rotate less often, ` +
      'or shorten start-up; set workload.expectedStartup so `vaultctl doctor` predicts it');
  }
  return out;
}

/**
 * Replica start-up (spawn → ready) per rollout and over the run, in one sentence (no label):
 * `#1 median 412ms, max 1.20s (3 replicas); #2 …; all starts median 405ms, max 1.20s (9)`;
 * undefined when no replica was seen starting (an old run, or the kubernetes target).
 */
export function startupSentence(a: RunAnalysis): string | undefined {
  if (!a.startup) return undefined;
  const rows = a.rollouts.filter((r) => r.startup).map((r) => `#${r.index} ${startupText(r.startup!)}`);
  return [...rows, `all starts ${startupText(a.startup)}`].join('; ');
}

function startupText(s: StartupStats): string {
  return `median ${formatMs(s.medianMs)}, max ${formatMs(s.maxMs)} (${s.replicas} ${s.replicas === 1 ? 'replica' : 'replicas'})`;
}

/** Sent vs scheduled: of the measured range when it had requests, else the generator's own totals. */
function sentShare(r: NotedRun): { sent: number; scheduled: number; measured: boolean } | undefined {
  const o = r.analysis.overall;
  if (o.scheduled > 0) return { sent: o.sent, scheduled: o.scheduled, measured: true };
  const l = r.run.load;
  return l && l.model === 'open' && l.scheduled > 0 ? { sent: l.sent, scheduled: l.scheduled, measured: false } : undefined;
}

function shortfallCause(r: NotedRun): string {
  const maxInFlight = (r.run.scenario?.load as { maxInFlight?: number } | undefined)?.maxInFlight;
  switch (r.run.load?.limitedBy) {
    case 'max_in_flight':
      return `the in-flight cap${maxInFlight ? ` (load.maxInFlight ${maxInFlight})` : ''} was reached: the app answers too ` +
        'slowly for it; raise load.maxInFlight, or the app is the bottleneck';
    case 'generator':
      return r.run.load?.workers
        ? 'the load workers could not keep the schedule: the machine is out of CPU; lower load.rate, or run fewer processes beside them'
        : "vaultctl's own CPU could not keep the schedule: set load.workers (auto) so worker processes send it, run fewer processes beside it, or lower load.rate";
    case 'worker_lost':
      return 'a load worker was lost: its unreported share is not_sent (see the load_worker_lost events)';
    default:
      return 'the generator did not say why (not_sent outcomes count as failures)';
  }
}

/** `99.97%`, `17%`, `100%`: two decimals at most. */
function percent(part: number, whole: number): string {
  if (whole <= 0) return '100%';
  const value = Number(((100 * part) / whole).toFixed(2));
  // Rounding must not turn a shortfall into a full delivery.
  return `${part < whole && value >= 100 ? 99.99 : value}%`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * What the database logged, per rollout and over the run, in one sentence (no label):
 * `#1 57P01×3, 28P01×12; all 57P01×3, 28P01×12 — 28P01: password authentication failed (…)`;
 * undefined when it logged no errors or its log was not read.
 */
export function databaseCauseSentence(a: RunAnalysis): string | undefined {
  if (!a.databaseCauses) return undefined;
  const counts = (c: Record<string, number>) => Object.entries(c).sort((x, y) => y[1] - x[1]).map(([code, n]) => `${code}×${n}`).join(', ');
  const rows = a.rollouts.filter((r) => r.databaseCauses).map((r) => `#${r.index} ${counts(r.databaseCauses!)}`);
  const meanings = Object.keys(a.databaseCauses).filter((code) => SQLSTATE_MEANINGS[code]).map((code) => `${code}: ${SQLSTATE_MEANINGS[code]}`);
  return `${[...rows, `all ${counts(a.databaseCauses)}`].join('; ')}${meanings.length > 0 ? ` (${meanings.join('; ')})` : ''}`;
}

/**
 * The `leases:` line (without the label): `4 issued, 1 expired, 0 revoked, 3 outstanding`; on the
 * kubernetes target `outstanding` is the run's and the lab's older leases follow in parentheses,
 * so a lab that has been up for hours does not read as a leak.
 */
export function leasesSentence(l: LeaseCounts): string {
  const base = `${l.issued} issued, ${l.expired} expired, ${l.revoked} revoked, ${l.outstanding} outstanding`;
  return l.preExisting === undefined ? base : `${base} (the run's; ${l.preExisting} more from before the run, not counted)`;
}
