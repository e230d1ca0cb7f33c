import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplicaLogs } from '../../../src/results/replica-logs.js';

describe('replica logs in the results directory', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'vaultctl-replica-logs-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
  const redact = (text: string) => text.replaceAll('s3cr3t-pw', '***');

  it('writes whole lines with the run-clock time, redacting a secret split across two chunks', () => {
    const dir = fresh();
    let now = 1234;
    const logs = new ReplicaLogs(dir, () => now, redact);
    logs.write('r1', 'listening on 4100\nconnecting with s3cr');
    now = 1300;
    logs.write('r1', '3t-pw\nunfinished');
    logs.write('r2', 'other replica\n');
    logs.close();
    logs.write('r1', 'after close\n');
    expect(readFileSync(join(dir, 'replicas', 'r1.log'), 'utf8'))
      .toBe('[1.234s] listening on 4100\n[1.300s] connecting with ***\n[1.300s] unfinished\n');
    expect(readFileSync(join(dir, 'replicas', 'r2.log'), 'utf8')).toBe('[1.300s] other replica\n');
    expect(statSync(join(dir, 'replicas')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'replicas', 'r1.log')).mode & 0o777).toBe(0o600);
  });

  it('never writes through a symlink planted at a log\'s name', () => {
    const dir = fresh();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched');
    mkdirSync(join(dir, 'replicas'));
    symlinkSync(victim, join(dir, 'replicas', 'r1.log'));
    const logs = new ReplicaLogs(dir, () => 0, redact);
    logs.write('r1', 'hello\n');
    logs.close();
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });
});
