import type { RunEvent } from '../ports/events.js';
import type { LoadSummary } from '../ports/load.js';
import type { Scenario } from '../scenario/model.js';
import { TimelineRecorder } from '../recorder/timeline-recorder.js';
import type { TimelineData } from '../recorder/timeline-data.js';
import { analyzeRun, type RunAnalysis } from '../analysis/analyze.js';
import type { Verdict } from '../analysis/verdict-types.js';
import { createResultsWriter, type ResultsWriter } from '../results/results-dir.js';
import { maskScenario, scenarioSecrets } from '../results/mask-scenario.js';
import { ReplicaLogs } from '../results/replica-logs.js';
import type { SecretRegistry } from '../errors/redact.js';
import { RUN_SCHEMA_VERSION, TIME_ZERO_NOTE, type RunFile } from '../results/run-file.js';

/** How often a running run rewrites timeline.json and run.json. */
const CHECKPOINT_EVERY_MS = 5000;

/** The measured range of a run on the run clock. */
export interface MeasuredRange {
  measureFromMs: number;
  measureToMs: number;
}

/** What a running run has measured so far: read by the threshold watch and the live view. */
export interface MeasuredSoFar {
  range(): MeasuredRange | undefined;
  analyzeSoFar(): RunAnalysis;
}

/** True once some of the measured range has passed (nothing is judged during warm-up). */
export function hasMeasured(m: MeasuredSoFar): boolean {
  const r = m.range();
  return r !== undefined && r.measureToMs > r.measureFromMs;
}

/** What opening a session needs. */
export interface RunSessionOptions {
  scenario: Scenario;
  dir: string;
  version: string;
  /** Run clock (ms since the run's time zero) and the wall-clock time of that zero. */
  now(): number;
  startedAt: Date;
  /** Every line and file written is redacted with it; the secrets the scenario holds are added to it. */
  secrets: SecretRegistry;
}

/** How a run ended, for run.json. */
export interface RunEnd {
  status: RunFile['status'];
  load?: LoadSummary;
  error?: string;
  verdict?: Verdict;
}

/**
 * One run's spine: it owns the event log, the timeline recorder and the results writer, and
 * answers {@link analyzeSoFar} — the one analysis that checkpoints, the threshold watch, the live
 * view and the final verdict all read. Nothing is measured before the load starts.
 */
export class RunSession implements MeasuredSoFar {
  readonly events: RunEvent[] = [];
  readonly recorder: TimelineRecorder;
  readonly now: () => number;
  private readonly listeners: ((e: RunEvent) => void)[] = [];
  private planned?: { measureFromMs: number; endMs: number };
  private stoppedAtMs?: number;
  private checkpoints?: NodeJS.Timeout;
  /** Each replica's output, in the results directory. */
  readonly replicaLogs: ReplicaLogs;
  private readonly header: Pick<RunFile, 'schemaVersion' | 'tool' | 'scenario' | 'startedAt' | 'timeZero'>;

  private constructor(private readonly o: RunSessionOptions, private readonly writer: ResultsWriter) {
    const s = o.scenario;
    this.now = o.now;
    this.replicaLogs = new ReplicaLogs(o.dir, o.now, (text) => o.secrets.redact(text));
    this.recorder = new TimelineRecorder({ binMs: s.analysis.binMs, expectedDurationMs: s.load.warmUpMs + s.load.durationMs + 60_000 });
    // What every run.json of this run says about itself, checkpoints and the final one alike.
    this.header = { schemaVersion: RUN_SCHEMA_VERSION, tool: { name: 'vaultctl', version: o.version },
      scenario: maskScenario(s), startedAt: o.startedAt.toISOString(), timeZero: TIME_ZERO_NOTE };
  }

  /** Opens the results directory (refused with exit 2 when it is not vaultctl's or not writable). */
  static async open(o: RunSessionOptions): Promise<RunSession> {
    // Secrets the user wrote (Authorization headers, DB_PASSWORD) are redacted from every line from now on.
    for (const secret of scenarioSecrets(o.scenario)) o.secrets.add(secret);
    return new RunSession(o, await createResultsWriter(o.dir, { redact: (text) => o.secrets.redact(text) }));
  }

  /** Records an event: the log in memory, events.ndjson, then every listener (the live view). */
  emit(e: RunEvent): void {
    this.events.push(e);
    this.writer.emit(e);
    for (const l of this.listeners) l(e);
  }

  onEvent(listener: (e: RunEvent) => void): void {
    this.listeners.push(listener);
  }

  /** The load started: from now on the run has a measured range, and checkpoints are written. */
  measuring(range: { measureFromMs: number; endMs: number }): void {
    this.planned = range;
    this.checkpoints = setInterval(() => void this.checkpoint(), CHECKPOINT_EVERY_MS);
    this.checkpoints.unref();
  }

  /** The run stopped (ended, failed, interrupted): the measured range ends here, if not earlier. */
  stopMeasuring(): void {
    clearInterval(this.checkpoints);
    this.stoppedAtMs ??= this.now();
  }

  /** The measured range so far (clipped at its planned end and where the run stopped); undefined before the load. */
  range(): MeasuredRange | undefined {
    if (!this.planned) return undefined;
    const to = Math.min(this.stoppedAtMs ?? this.now(), this.planned.endMs);
    return { measureFromMs: this.planned.measureFromMs, measureToMs: Math.max(this.planned.measureFromMs, to) };
  }

  /** The analysis of what was measured so far; an empty range before the load started. */
  analyzeSoFar(): RunAnalysis {
    const range = this.range() ?? { measureFromMs: 0, measureToMs: 0 };
    const s = this.o.scenario;
    return analyzeRun({ events: this.events, timeline: this.recorder, settleMs: s.analysis.settleMs, leadMs: s.analysis.leadMs, ...range });
  }

  /** Rewrites run.json (`status: running`) and timeline.json: what is left if the run is killed outright. */
  checkpoint(): Promise<void> {
    const range = this.range();
    if (!range) return Promise.resolve();
    return this.writer.checkpoint({ ...this.header, ...range, status: 'running', analysis: this.analyzeSoFar() }, this.recorder.toData());
  }

  /** Writes the final run.json and timeline.json, closes the event log, and returns what it wrote. */
  async finish(end: RunEnd, analysis: RunAnalysis): Promise<{ run: RunFile; timeline: TimelineData }> {
    this.stopMeasuring();
    this.replicaLogs.close();
    const range = this.range() ?? { measureFromMs: 0, measureToMs: 0 };
    const run: RunFile = { ...this.header, ...range, status: end.status, load: end.load, analysis,
      ...(end.error ? { error: end.error } : {}), ...(end.verdict ? { verdict: end.verdict } : {}) };
    // Encoded once: the same timeline goes to timeline.json and to the report printed now.
    const timeline = this.recorder.toData();
    await this.writer.finish(run, timeline);
    return { run, timeline };
  }
}
