import { mkdtemp, readFile, readdir, rm, writeFile, mkdir, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import { UsageError } from '../../../src/errors/errors.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { createResultsWriter, readResultsDir } from '../../../src/results/results-dir.js';
import { TIME_ZERO_NOTE, type RunFile } from '../../../src/results/run-file.js';
import type { Scenario } from '../../../src/scenario/model.js';
import { syntheticRun } from '../analysis/fixture.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vaultctl-results-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function runFile(events: RunEvent[], timeline: ReturnType<ReturnType<typeof syntheticRun>['recorder']['toData']>): RunFile {
  const range = { settleMs: 2000, measureFromMs: 2000, measureToMs: 20_000 };
  return {
    schemaVersion: 1,
    tool: { name: 'vaultctl', version: '0.1.0' },
    scenario: { name: 'synthetic', source: 'synthetic.yaml', target: 'local' } as Scenario,
    startedAt: '2025-01-01T00:00:00.000Z',
    timeZero: TIME_ZERO_NOTE,
    measureFromMs: range.measureFromMs,
    measureToMs: range.measureToMs,
    status: 'completed',
    load: { sent: 1995, completed: 1995, errors: 20, timeouts: 0 },
    analysis: analyzeRun({ events, timeline, ...range }),
  };
}

describe('results directory', () => {
  it('round-trips events, timeline and run file', async () => {
    const dir = join(root, 'out', 'run1');
    const { recorder, events } = syntheticRun();
    const writer = await createResultsWriter(dir);
    for (const e of events) writer.emit(e);
    const timeline = recorder.toData();
    const run = runFile(events, timeline);
    await writer.finish(run, timeline);
    writer.emit({ t: 99_999, type: 'warning', message: 'after close' });
    expect((await readdir(dir)).sort()).toEqual(['events.ndjson', 'run.json', 'timeline.json']);
    const back = await readResultsDir(dir);
    expect(back.events).toEqual(events);
    expect(back.timeline).toEqual(timeline);
    expect(back.run).toEqual(run);
    expect(analyzeRun({ events: back.events, timeline: back.timeline, settleMs: 2000,
      measureFromMs: back.run.measureFromMs, measureToMs: back.run.measureToMs })).toEqual(run.analysis);
  });

  it('redacts what it writes', async () => {
    const writer = await createResultsWriter(root, { redact: (s) => s.split('s3cret-pass').join('***') });
    writer.emit({ t: 1, type: 'warning', message: 'login failed for s3cret-pass' });
    await writer.close();
    expect(await readFile(join(root, 'events.ndjson'), 'utf8')).toBe('{"t":1,"type":"warning","message":"login failed for ***"}\n');
  });

  it('refuses a non-empty directory that is not a results directory', async () => {
    await writeFile(join(root, 'notes.txt'), 'mine');
    await expect(createResultsWriter(root)).rejects.toBeInstanceOf(UsageError);
    expect(await readdir(root)).toEqual(['notes.txt']);
  });

  it('reuses a previous results directory, replacing its files', async () => {
    const first = await createResultsWriter(root);
    first.emit({ t: 0, type: 'run_started', target: 'local', scenario: 'a' });
    first.emit({ t: 5, type: 'load_started' });
    await first.close();
    const second = await createResultsWriter(root);
    second.emit({ t: 0, type: 'run_started', target: 'local', scenario: 'b' });
    await second.close();
    expect(await readFile(join(root, 'events.ndjson'), 'utf8')).toBe('{"t":0,"type":"run_started","target":"local","scenario":"b"}\n');
  });

  it('explains a missing, unfinished or malformed directory', async () => {
    await expect(readResultsDir(join(root, 'nope'))).rejects.toThrow(/does not exist/);
    const w = await createResultsWriter(root);
    w.emit({ t: 0, type: 'run_started', target: 'local', scenario: 'a' });
    await w.close();
    await expect(readResultsDir(root)).rejects.toThrow(/has no run.json/);
    await writeFile(join(root, 'run.json'), '{ not json');
    await expect(readResultsDir(root)).rejects.toThrow(/run.json is not valid JSON/);
    await writeFile(join(root, 'run.json'), JSON.stringify({ schemaVersion: 7, tool: { name: 'vaultctl' } }));
    await expect(readResultsDir(root)).rejects.toBeInstanceOf(UsageError);
  });

  it('tolerates a torn last event line but not a damaged middle', async () => {
    const dir = join(root, 'r');
    await mkdir(dir);
    const { recorder, events } = syntheticRun();
    const w = await createResultsWriter(dir);
    for (const e of events) w.emit(e);
    const timeline = recorder.toData();
    await w.finish(runFile(events, timeline), timeline);
    expect((await readResultsDir(dir)).eventLog).toEqual({ present: true, finished: false });
    await appendFile(join(dir, 'events.ndjson'), '{"t":123,"ty');
    const torn = await readResultsDir(dir);
    expect(torn.events).toHaveLength(events.length);
    // the skipped line is reported, so a report can say the log was cut short
    expect(torn.eventLog).toEqual({ present: true, finished: false, tornLine: events.length + 1 });
    await appendFile(join(dir, 'events.ndjson'), '\n{"t":124,"type":"load_finished"}\n');
    await expect(readResultsDir(dir)).rejects.toThrow(/malformed event line/);
  });
});
