import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/errors.js';
import { createResultsWriter, prepareResultsDir } from '../../../src/results/results-dir.js';
import type { RunFile } from '../../../src/results/run-file.js';
import type { TimelineData } from '../../../src/recorder/timeline-data.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vaultctl-results-fs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (p: string) => (await stat(p)).mode & 0o777;
const run = { tool: { name: 'vaultctl', version: '0' }, status: 'running' } as unknown as RunFile;
const timeline = (): TimelineData => new TimelineRecorder({ binMs: 10, expectedDurationMs: 1000 }).toData();

describe('results directory permissions', () => {
  it('creates the directory and its missing parents 0700 and every file 0600', async () => {
    const dir = join(root, 'a', 'b');
    const w = await createResultsWriter(dir);
    w.emit({ t: 0, type: 'run_started', target: 'local', scenario: 's' });
    await w.checkpoint(run, timeline());
    expect(await mode(join(dir, 'run.json'))).toBe(0o600);
    await w.finish(run, timeline());
    expect(await mode(join(root, 'a'))).toBe(0o700);
    expect(await mode(dir)).toBe(0o700);
    for (const f of ['events.ndjson', 'timeline.json', 'run.json']) expect(await mode(join(dir, f)), f).toBe(0o600);
  });

  it('tightens a previous results directory and replaces its world-readable files', async () => {
    await writeFile(join(root, 'run.json'), JSON.stringify({ tool: { name: 'vaultctl' } }), { mode: 0o644 });
    await writeFile(join(root, 'events.ndjson'), '', { mode: 0o644 });
    const w = await createResultsWriter(root);
    await w.finish(run, timeline());
    expect(await mode(root)).toBe(0o700);
    expect(await mode(join(root, 'run.json'))).toBe(0o600);
    expect(await mode(join(root, 'events.ndjson'))).toBe(0o600);
  });

  it('never writes through a symlink planted at a temporary file\'s name', async () => {
    const victim = join(root, 'victim.txt');
    await writeFile(victim, 'untouched');
    const dir = join(root, 'out');
    const w = await createResultsWriter(dir);
    await symlink(victim, join(dir, 'run.json.tmp'));
    await symlink(victim, join(dir, 'timeline.json.tmp'));
    await w.finish(run, timeline());
    expect(await readFile(victim, 'utf8')).toBe('untouched');
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')).status).toBe('running');
    expect(await mode(join(dir, 'run.json'))).toBe(0o600);
  });
});

describe('results directory that cannot be made', () => {
  it('names the path and ENOTDIR when a part of it is a file', async () => {
    const file = join(root, 'plain');
    await writeFile(file, 'x');
    for (const dir of [join(file, 'x'), join(file, 'x', 'y')]) {
      const err = await prepareResultsDir(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toContain(dir);
      expect((err as Error).message).toMatch(/ENOTDIR/);
    }
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  it('refuses an existing file as the directory', async () => {
    const file = join(root, 'plain');
    await writeFile(file, 'x');
    await expect(createResultsWriter(file)).rejects.toThrow(/ENOTDIR/);
  });

  // Node's recursive mkdir loops forever here (mkdir answers ENOENT under an existing /proc/1).
  it.runIf(existsSync('/proc/1'))('fails at once under /proc instead of spinning', async () => {
    const err = await prepareResultsDir('/proc/1/x/y').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/\/proc\/1\/x\/y: E[A-Z]+ \(/);
  }, 5000);
});
