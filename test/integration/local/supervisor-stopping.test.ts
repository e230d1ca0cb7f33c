import { afterEach, describe, expect, it } from 'vitest';
import type { LocalSupervisor } from '../../../src/targets/local/supervisor.js';
import { creds, fixtureChildren, harness, until } from './supervisor-harness.js';

// Ctrl-C signals vaultctl's whole process group, so the replicas may exit before the run's cleanup
// calls stop(). Those exits are the run ending: no "restarting replica", no crash report.
const running: LocalSupervisor[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  expect(fixtureChildren()).toEqual([]);
});

describe('LocalSupervisor while the run is stopping', () => {
  it('replicas that exit after the run aborted are neither restarted nor reported as crashes', async () => {
    const abort = new AbortController();
    const h = harness({ workload: { replicas: 2 }, signal: abort.signal });
    running.push(h.sup);
    await h.sup.start(creds('alice'));
    const pids = h.sup.list().map((r) => r.pid!);
    abort.abort();
    for (const pid of pids) process.kill(pid, 'SIGINT'); // what the terminal does on Ctrl-C
    await until(() => h.sink.of('replica_exited').length === 2, 10_000, 'both replicas to exit');
    // A restart would be in list() and the log at once: onCrash spawns synchronously.
    expect(h.sup.list()).toEqual([]);
    expect(h.logs.join('\n')).not.toMatch(/restarting replica|while ready/);
    expect(h.sink.of('replica_exited').map((e) => ({ signal: e.signal, expected: e.expected })))
      .toEqual([{ signal: 'SIGINT', expected: true }, { signal: 'SIGINT', expected: true }]);
    await h.sup.stop();
    expect(h.sink.of('replica_started')).toHaveLength(2);
  });

  it('without an abort the same exit is a crash: reported and restarted (the kubelet way)', async () => {
    const h = harness({ workload: { replicas: 1 }, signal: new AbortController().signal });
    running.push(h.sup);
    await h.sup.start(creds('alice'));
    process.kill(h.sup.list()[0].pid!, 'SIGINT');
    await until(() => h.sink.of('replica_ready', 'r1').length === 2, 10_000, 'r1 ready again');
    expect(h.logs.join('\n')).toMatch(/replica r1 \(revision 1\) was killed by SIGINT while ready[\s\S]*restarting replica r1/);
    expect(h.sink.one('replica_exited', 'r1')).toMatchObject({ signal: 'SIGINT', expected: false });
  });
});
