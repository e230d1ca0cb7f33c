import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LocalSupervisor } from '../../../src/targets/local/supervisor.js';
import { creds, get, harness, useSupervisors } from './supervisor-harness.js';

// Restarts like the kubelet's CrashLoopBackOff, with the base and cap shortened so a test takes a second.
const { track, tempDir } = useSupervisors('vaultctl-restarts-');

describe('LocalSupervisor restarts', { timeout: 30_000 }, () => {
  it('a new replica that crashes on start is restarted with back-off (0, initial, capped) and the rollout waits for it', async () => {
    const dir = tempDir();
    const counter = join(dir, 'starts');
    const h = harness({
      workload: { replicas: 1, restartBackoff: { initialMs: 300, maxMs: 500 } },
      env: { START_COUNTER: counter, CRASH_STARTS: '3' },
    });
    track(h);
    await h.sup.start(creds('alice'));
    // From here on, the first three starts crash (the counter counts only once the file exists).
    writeFileSync(counter, '0');
    await h.sup.rollout(creds('bob'), 'refresh');

    const started = h.sink.of('replica_started', 'r2');
    const exited = h.sink.of('replica_exited', 'r2');
    expect(started).toHaveLength(4);
    expect(exited).toHaveLength(3);
    for (const e of exited) expect(e).toMatchObject({ code: 1, expected: false, revision: 2 });
    // Exit → next start: at once (before any back-off could end), then no sooner than 300 ms, then 500 ms.
    // Upper bounds are left to the log below (the delays the supervisor chose): a busy machine only adds time.
    const gaps = exited.map((e, i) => started[i + 1].t - e.t);
    expect(gaps[0]).toBeLessThan(290);
    expect(gaps[1]).toBeGreaterThanOrEqual(290);
    expect(gaps[2]).toBeGreaterThanOrEqual(490);

    expect(h.sink.of('rollout_completed')).toMatchObject([{ revision: 2 }]);
    // The old replica served until the new one was ready (maxUnavailable 0).
    expect(h.sink.one('replica_terminating', 'r1').t).toBeGreaterThanOrEqual(h.sink.one('replica_ready', 'r2').t);
    expect(await get(h.proxy.live.get('r2')!)).toBe('bob');
    // Each failure is logged with the replica's last lines, redacted.
    const log = h.logs.join('\n');
    expect(log).toMatch(/replica r2 exited with code 1 before it was ready; last output:\n {4}\| tiny-app: FATAL cannot connect to the database as bob \(password \*\*\*\)/);
    expect(log).toMatch(/restarting replica r2 \(revision 2\)\n[\s\S]*restarting replica r2 \(revision 2\) in 0\.3s \(back-off\)[\s\S]*in 0\.5s \(back-off\)/);
    expect(log).not.toContain('s3cret');
  });

  it('a replica that crashes while ready is restarted at once, then with back-off', async () => {
    const h = harness({ workload: { replicas: 1, restartBackoff: { initialMs: 400, maxMs: 400 } } });
    track(h);
    await h.sup.start(creds('alice'));
    for (let round = 1; round <= 2; round++) {
      const pid = h.sup.list()[0].pid!;
      process.kill(pid, 'SIGKILL');
      const ready = await waitFor(() => h.sink.of('replica_ready', 'r1').length === round + 1);
      expect(ready).toBe(true);
    }
    const exits = h.sink.of('replica_exited', 'r1');
    const starts = h.sink.of('replica_started', 'r1');
    expect(starts[1].t - exits[0].t).toBeLessThan(150);
    expect(starts[2].t - exits[1].t).toBeGreaterThanOrEqual(390);
  });
});

/** Polls `check` every 20 ms for up to 10 s. */
async function waitFor(check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
