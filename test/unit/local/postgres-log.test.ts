import { describe, expect, it } from 'vitest';
import { DatabaseErrorCounter, GROUP_MS, parsePostgresLogLine } from '../../../src/targets/local/postgres-log.js';
import { analyzeRun } from '../../../src/analysis/analyze.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';
import { databaseCauseSentence } from '../../../src/report/run-notes.js';

describe('the local Postgres log', () => {
  it('parses error lines written with vaultctl\'s log_line_prefix, and nothing else', () => {
    expect(parsePostgresLogLine('1764484801.123|28P01|v-app-1|app|FATAL:  password authentication failed for user "v-app-1"'))
      .toEqual({ epochMs: 1764484801123, code: '28P01', user: 'v-app-1', severity: 'FATAL',
        message: 'password authentication failed for user "v-app-1"' });
    expect(parsePostgresLogLine('1764484801.200|42501|v-app-1|app|ERROR:  permission denied for table vaultctl_demo')?.code).toBe('42501');
    expect(parsePostgresLogLine('1764484801.300|00000|v-app-1|app|LOG:  connection authorized: user=v-app-1 database=app')).toBeUndefined();
    expect(parsePostgresLogLine('1764484801.300|28P01|v-app-1|app|DETAIL:  Role "v-app-1" does not exist.')).toBeUndefined();
    expect(parsePostgresLogLine('waiting for server to start....')).toBeUndefined();
  });

  it('groups errors of one code per 100 ms and maps their time to the run clock', () => {
    const groups: unknown[] = [];
    const zero = 1_764_484_800_000;
    const counter = new DatabaseErrorCounter((epoch) => epoch - zero, (g) => groups.push(g));
    const line = (ms: number, code: string) => counter.line(`${((zero + ms) / 1000).toFixed(3)}|${code}|u|app|ERROR:  e${ms}`);
    line(1000, '42501');
    line(1050, '42501');
    line(1060, '57P01');
    line(1000 + GROUP_MS + 1, '42501'); // a new group: the first one is emitted
    expect(groups).toEqual([{ code: '42501', severity: 'ERROR', t: 1000, lastT: 1050, count: 2, message: 'e1000' }]);
    counter.flush();
    expect(groups).toHaveLength(3);
    expect(groups[2]).toMatchObject({ code: '42501', t: 1101, count: 1 });
  });

  it('counts the database\'s causes per rollout window and over the run, with what each code means', () => {
    const events: RunEvent[] = [
      { t: 1000, type: 'rollout_started', revision: 2, trigger: 'revoke', replicas: 1 },
      { t: 1100, type: 'database_errors', code: '42501', severity: 'ERROR', count: 40, lastT: 1190, message: 'permission denied' },
      { t: 1200, type: 'database_errors', code: '57P01', severity: 'FATAL', count: 3, lastT: 1200, message: 'terminating connection' },
      { t: 2000, type: 'rollout_completed', revision: 2 },
      { t: 5000, type: 'database_errors', code: '42501', severity: 'ERROR', count: 2, lastT: 5000, message: 'permission denied' },
    ];
    const timeline = new TimelineRecorder({ binMs: 10, expectedDurationMs: 10_000 }).toData();
    const a = analyzeRun({ events, timeline, settleMs: 500, measureFromMs: 0, measureToMs: 10_000 });
    expect(a.rollouts[0].databaseCauses).toEqual({ '42501': 40, '57P01': 3 });
    expect(a.databaseCauses).toEqual({ '42501': 42, '57P01': 3 });
    expect(databaseCauseSentence(a)).toMatch(/^#1 42501×40, 57P01×3; all 42501×42, 57P01×3 \(42501: permission denied/);
    const quiet = analyzeRun({ events: events.filter((e) => e.type !== 'database_errors'), timeline, settleMs: 500, measureFromMs: 0, measureToMs: 10_000 });
    expect(quiet.databaseCauses).toBeUndefined();
    expect(databaseCauseSentence(quiet)).toBeUndefined();
  });
});
