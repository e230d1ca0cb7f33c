import type { RolloutStats, RunAnalysis } from '../../analysis/analyze.js';
import type { WindowStats } from '../../analysis/stats.js';
import type { Verdict } from '../../analysis/verdict-types.js';
import type { ReportRun } from '../report-run.js';
import { escapeHtml } from './html-escape.js';
import {
  formatCauses, formatLatency, formatMs, formatRate, formatSeconds, formatThresholdValue, formatWallClock,
} from './format.js';
import { renderTimelineSvg, type TimelineOptions } from './svg-timeline.js';
import { strategyOf } from '../strategy-comparison.js';
import { sentAsked } from '../text-table.js';
import { databaseCauseSentence, leasesSentence, loadSentence, runWarnings, startupSentence } from '../run-notes.js';
import { verdictHead } from '../verdict-format.js';

/** Options of a run's section. */
export interface RunSectionOptions extends TimelineOptions {
  /** Draw the timeline in the section (default); a strategy comparison draws them all together instead. */
  timeline?: boolean;
}

/**
 * One run's section: header (with what the load generator sent and any warnings), verdict,
 * per-rollout table and timeline. `n` numbers it (from 1).
 */
export function renderRunSection(run: ReportRun, n: number, opts: RunSectionOptions = {}): string {
  const id = `run-${n}`;
  return [
    `<section class="run" id="${id}">`,
    renderHeader(run),
    renderVerdict(run.verdict),
    opts.timeline === false ? '' : renderTimelineFigure(run, n, opts),
    `<h3>Rollouts</h3>`,
    renderRolloutTable(run.analysis),
    '</section>',
  ].join('\n');
}

/** A run's timeline with its caption; `id` run-<n>-timeline. */
export function renderTimelineFigure(run: ReportRun, n: number, opts: TimelineOptions = {}, heading = ''): string {
  return [
    `<figure>${heading}${renderTimelineSvg(run, `run-${n}-timeline`, opts)}`,
    `<figcaption>Shaded: rollout windows (hover for their figures). Vertical lines: rotations and lease events ` +
      `inside the measured range. Requests count in the interval where they started. Live leases: leases issued ` +
      `and not yet expired or revoked by the run (one database role each).</figcaption></figure>`,
  ].join('\n');
}

function renderHeader(run: ReportRun): string {
  const { run: file, analysis } = run;
  const head = verdictHead(run.verdict);
  const verdict = `<span class="badge ${head === 'PASS' ? 'pass' : 'fail'}">${head}</span>`;
  const load = file.scenario.load;
  const sent = loadSentence(file.load);
  const startup = startupSentence(analysis);
  const db = databaseCauseSentence(analysis);
  const facts: Array<[string, string]> = [
    // Three pairs to a row; the results path goes last since it can be long.
    ['scenario', file.scenario.name],
    ['started', formatWallClock(file.startedAt)],
    ['status', file.status],
    ['target', file.scenario.target],
    ['strategy', strategyOf(run)],
    ['load', `${load.rate === 'max' ? 'max' : `${load.rate} req/s`}, ${load.connections} connections`],
    ['measured', `${formatSeconds(analysis.measureToMs - analysis.measureFromMs)} (after ${formatMs(analysis.measureFromMs)} of setup and warm-up)`],
    ['leases', leasesSentence(analysis.leases)],
    ['tool', `${file.tool.name} ${file.tool.version}`],
    ['results', run.dir],
  ];
  return [
    `<h2>${escapeHtml(run.label)} ${verdict} <span class="badge status ${escapeHtml(file.status)}">${escapeHtml(file.status)}</span></h2>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`,
    file.error === undefined ? '' : `<p class="error">${escapeHtml(file.error)}</p>`,
    sent === undefined ? '' : `<p class="load">Load: ${escapeHtml(sent)}</p>`,
    startup === undefined ? '' : `<p class="load">Start-up (spawn → ready): ${escapeHtml(startup)}</p>`,
    db === undefined ? '' : `<p class="load">Database errors (its own log): ${escapeHtml(db)}</p>`,
    ...runWarnings(run).map((w) => `<p class="warning">Warning: ${escapeHtml(w)}</p>`),
  ].filter((s) => s !== '').join('\n');
}

/** The verdict and one row per threshold result (and per check: a failed rotation, an incomplete run). */
export function renderVerdict(verdict: Verdict): string {
  const word = verdict.pass ? '<strong class="pass">pass</strong>'
    : `<strong class="fail">${verdict.incomplete ? verdictHead(verdict).toLowerCase() : 'fail'}</strong>`;
  if (verdict.results.length === 0) return `<p class="verdict">Verdict: ${word}: the scenario sets no thresholds.</p>`;
  const failed = verdict.results.filter((r) => !r.pass).length;
  const head = `<p class="verdict">Verdict: ${word}: ${verdict.results.length - failed} of ${verdict.results.length} threshold results passed.</p>`;
  const rows = verdict.results.map((r) => {
    const cls = r.pass ? '' : ' class="bad"';
    return `<tr><td class="text">${escapeHtml(r.expression)}</td><td class="text">${escapeHtml(r.subject)}</td>` +
      `<td>${escapeHtml(formatThresholdValue(r.metric, r.observed))}</td>` +
      `<td>${escapeHtml(`${r.op} ${formatThresholdValue(r.metric, r.limit)}`)}</td>` +
      `<td class="text"><span class="badge ${r.pass ? 'pass' : 'fail'}">${r.pass ? 'pass' : 'fail'}</span></td>` +
      `<td class="text"${cls}>${escapeHtml(r.note ?? '')}</td></tr>`;
  });
  return [
    head,
    '<table class="thresholds"><thead><tr><th class="text">threshold</th><th class="text">subject</th><th>observed</th>' +
      '<th>limit</th><th class="text">result</th><th class="text">note</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n');
}

const HEADER = ['#', 'trigger', 'start', 'duration', 'sent/asked', 'failures', 'rate', 'downtime', 'p99', 'causes'];
const TEXT_COLUMNS = new Set([1, 9]);

/** The per-rollout table: the text table's rows and figures (rollouts, then baseline and overall). */
export function renderRolloutTable(analysis: RunAnalysis): string {
  const head = HEADER.map((h, i) => `<th${TEXT_COLUMNS.has(i) ? ' class="text"' : ''}>${h}</th>`).join('');
  const rows = analysis.rollouts.map((r) => rolloutRow(r, analysis.measureFromMs));
  rows.push(summaryRow('baseline', analysis.baseline), summaryRow('overall', analysis.overall));
  return `<table class="rollouts"><thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function rolloutRow(r: RolloutStats, measureFromMs: number): string {
  const duration = r.durationMs === null ? 'incomplete' : formatMs(r.durationMs);
  return `<tr class="rollout" data-rollout="${r.index}">${cells([String(r.index), r.trigger, formatSeconds(r.startMs - measureFromMs), duration], r)}</tr>`;
}

function summaryRow(label: string, s: WindowStats): string {
  return `<tr class="summary">${cells(['', label, '', formatMs(s.spanMs)], s)}</tr>`;
}

function cells(lead: string[], s: WindowStats): string {
  const stats: Array<[string, boolean]> = [
    [sentAsked(s), s.notSent > 0],
    [String(s.failures), s.failures > 0],
    [formatRate(s.failureRate), s.failures > 0],
    [formatMs(s.downtimeMs), s.downtimeMs > 0],
    [formatLatency(s.latencyMs.p99), false],
    [formatCauses(s.byCause), false],
  ];
  const all: Array<[string, boolean]> = [...lead.map((t): [string, boolean] => [t, false]), ...stats];
  return all.map(([text, bad], i) => {
    const cls = [TEXT_COLUMNS.has(i) ? 'text' : '', bad ? 'bad' : ''].filter(Boolean).join(' ');
    return `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</td>`;
  }).join('');
}
