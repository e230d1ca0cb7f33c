/**
 * The results directory of a `rotate-test` run. Every file is UTF-8; times are monotonic
 * milliseconds since the run's time zero (`run.json` `startedAt` is that instant on the wall clock).
 *
 * - `events.ndjson` — the event log (src/ports/events.ts `RunEvent`), one JSON object per line,
 *   appended while the run goes, so an interrupted run keeps what happened. A torn last line
 *   (crash mid-write) is skipped by readers and reported (`eventLog.tornLine`).
 * - `timeline.json` — request outcomes in constant memory (src/recorder/timeline-data.ts
 *   `TimelineData`): counts per kind per bin, failure causes, latency histograms.
 * - `run.json` — `RunFile` (src/results/run-file.ts): `schemaVersion` 1, tool name and version,
 *   the scenario model, `startedAt`, `measureFromMs`/`measureToMs`, `status`
 *   (`completed` | `interrupted` | `failed` | `running`), optional load totals and the analysis.
 *
 * `timeline.json` and `run.json` are rewritten every few seconds while the run goes (status
 * `running`) and once more at the end, each to a temporary file renamed into place, so a reader
 * never sees half a file and a run killed outright still leaves what it recorded until then. `vaultctl report DIR` re-runs the analysis from
 * `events.ndjson` + `timeline.json`. No file holds a password, token or connection string; the
 * directory vaultctl creates is mode 0700 and every file 0600 (results-dir-fs.ts).
 */
import { type WriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors/errors.js';
import type { EventSink, RunEvent } from '../ports/events.js';
import type { TimelineData } from '../recorder/timeline-data.js';
import type { EventLogState } from '../analysis/completeness.js';
import { RUN_SCHEMA_VERSION, type RunFile } from './run-file.js';
import { REPLICA_LOG_DIR } from './replica-logs.js';
import { EVENTS_FILE, listDir, openPrivate, prepareResultsDir, readOptional, RUN_FILE, TIMELINE_FILE,
  writeAtomic } from './results-dir-fs.js';

export { EVENTS_FILE, prepareResultsDir, RUN_FILE, TIMELINE_FILE };
const OWN_FILES = [EVENTS_FILE, TIMELINE_FILE, RUN_FILE, `${TIMELINE_FILE}.tmp`, `${RUN_FILE}.tmp`];

/** Options of createResultsWriter. */
export interface ResultsWriterOptions {
  /** Applied to every line and file written (SecretRegistry.redact); identity by default. */
  redact?: (text: string) => string;
}

/** Writes one run's results directory: events as they happen, timeline and run file at the end. */
export interface ResultsWriter extends EventSink {
  /** Absolute or relative path as given. */
  readonly dir: string;
  /** Appends an event to events.ndjson; ignored after close. */
  emit(event: RunEvent): void;
  /** Writes timeline.json and run.json atomically and closes the event log. */
  finish(run: RunFile, timeline: TimelineData): Promise<void>;
  /** Writes timeline.json and run.json of a run still going (status `running`); the log stays open. */
  checkpoint(run: RunFile, timeline: TimelineData): Promise<void>;
  /** Flushes and closes the event log without writing run.json (idempotent). */
  close(): Promise<void>;
}

/**
 * Creates (or reuses) a results directory. An existing directory must be empty or a previous
 * vaultctl results directory, whose files are replaced; anything else, or a path that cannot be
 * created or written (errno named), is a UsageError.
 */
export async function createResultsWriter(dir: string, opts: ResultsWriterOptions = {}): Promise<ResultsWriter> {
  const redact = opts.redact ?? ((s: string) => s);
  const entries = await prepareResultsDir(dir);
  await Promise.all(OWN_FILES.filter((f) => entries.includes(f)).map((f) => rm(join(dir, f), { force: true })));
  // A previous run's replica logs would mix with this run's.
  if (entries.includes(REPLICA_LOG_DIR)) await rm(join(dir, REPLICA_LOG_DIR), { recursive: true, force: true });
  // Opened here, not lazily by a stream, so an unwritable directory fails now with its errno.
  const stream = (await openPrivate(join(dir, EVENTS_FILE), dir)).createWriteStream({ encoding: 'utf8' });
  let writes: Promise<void> = Promise.resolve();
  const writeBoth = async (run: RunFile, timeline: TimelineData): Promise<void> => {
    await writeAtomic(join(dir, TIMELINE_FILE), redact(JSON.stringify(timeline)));
    await writeAtomic(join(dir, RUN_FILE), redact(`${JSON.stringify(run, null, 2)}\n`));
  };
  let failure: Error | undefined;
  stream.on('error', (err) => (failure ??= err));
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= endStream(stream).then(() => {
    if (failure) throw failure;
  }));
  return {
    dir,
    emit(event) {
      if (closed || failure) return;
      stream.write(`${redact(JSON.stringify(event))}\n`);
    },
    async close() {
      await close();
    },
    async finish(run, timeline) {
      await close();
      await writes;
      await writeBoth(run, timeline);
    },
    checkpoint(run, timeline) {
      if (closed) return writes;
      // One write at a time: a slow checkpoint never races the next one or finish().
      writes = writes.then(() => writeBoth(run, timeline)).catch(() => {});
      return writes;
    },
  };
}

/** What a results directory holds, parsed. */
export interface ResultsDirContents {
  run: RunFile;
  /** The events that parsed; empty when events.ndjson is missing. */
  events: RunEvent[];
  timeline: TimelineData;
  /** Whether events.ndjson exists, had a torn last line, and reaches `run_finished`. */
  eventLog: EventLogState;
}

/** Reads a results directory; a missing, unfinished or malformed one is a UsageError naming the file. */
export async function readResultsDir(dir: string): Promise<ResultsDirContents> {
  const entries = await listDir(dir, 'read');
  if (entries === null) throw new UsageError(`results directory ${dir} does not exist`);
  if (!entries.includes(RUN_FILE)) {
    throw new UsageError(`${dir} has no ${RUN_FILE}`,
      entries.includes(EVENTS_FILE) ? 'the run did not finish writing its results' : 'pass a directory written by `vaultctl rotate-test`');
  }
  const run = parseJson(dir, RUN_FILE, await readFile(join(dir, RUN_FILE), 'utf8')) as RunFile;
  if (run?.tool?.name !== 'vaultctl' || run.schemaVersion !== RUN_SCHEMA_VERSION || typeof run.analysis !== 'object') {
    throw new UsageError(`${join(dir, RUN_FILE)} is not a vaultctl run file of schema version ${RUN_SCHEMA_VERSION}`);
  }
  const timelineText = await readOptional(join(dir, TIMELINE_FILE));
  if (timelineText === null) throw new UsageError(`${dir} has no ${TIMELINE_FILE}`);
  const timeline = parseJson(dir, TIMELINE_FILE, timelineText) as TimelineData;
  if (timeline?.version !== 1) throw new UsageError(`${join(dir, TIMELINE_FILE)} has an unsupported version`);
  const eventsText = await readOptional(join(dir, EVENTS_FILE));
  const { events, tornLine } = parseEvents(dir, eventsText ?? '');
  const eventLog: EventLogState = { present: eventsText !== null, finished: events.some((e) => e.type === 'run_finished'),
    ...(tornLine !== undefined ? { tornLine } : {}) };
  return { run, events, timeline, eventLog };
}

/** The events of an event log; a torn last line (a crash mid-write) is skipped and its number returned. */
function parseEvents(dir: string, text: string): { events: RunEvent[]; tornLine?: number } {
  const lines = text.split('\n');
  const events: RunEvent[] = [];
  let tornLine: number | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const e = JSON.parse(line) as RunEvent;
      if (typeof e?.t !== 'number' || typeof e.type !== 'string') throw new Error('not an event');
      events.push(e);
    } catch {
      // Only the last line may be torn by a crash; anything earlier means the file is damaged.
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.trim() !== '')) {
        throw new UsageError(`${join(dir, EVENTS_FILE)}:${i + 1}: malformed event line`);
      }
      tornLine = i + 1;
    }
  });
  return tornLine === undefined ? { events } : { events, tornLine };
}

function parseJson(dir: string, file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${join(dir, file)} is not valid JSON: ${(err as Error).message}`);
  }
}

function endStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) return resolve();
    stream.end(() => resolve());
    stream.once('error', () => resolve());
  });
}
