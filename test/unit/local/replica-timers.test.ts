import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReplicaTimers } from '../../../src/targets/local/strategies/replica-timers.js';

// The per-replica strategies' timers (csi, vault-env): steps run from each lease's issue on, before
// the load's end is known, and are trimmed to it once the plan arms them.
describe('ReplicaTimers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(provisionalMs = 10_000) {
    const ran: string[] = [];
    const errors: unknown[] = [];
    const timers = new ReplicaTimers(() => Date.now(), provisionalMs, (e) => errors.push(e));
    const step = (atMs: number, name: string) => ({ atMs, run: async () => { ran.push(name); } });
    return { ran, errors, timers, step, t0: Date.now() };
  }

  it('runs a replica\'s steps before arm(), up to the provisional horizon, then only those before the load\'s end', async () => {
    const { ran, timers, step, t0 } = setup(10_000);
    timers.set('r1', (until) => [1000, 5000, 9000, 12_000].filter((d) => t0 + d < until).map((d) => step(t0 + d, `r1@${d}`)));
    await vi.advanceTimersByTimeAsync(1500);
    expect(ran).toEqual(['r1@1000']);
    timers.arm(t0 + 6000);
    await vi.advanceTimersByTimeAsync(20_000);
    // 1000 ran once (not again at arm), 5000 kept, 9000 dropped (past the end), 12000 never set.
    expect(ran).toEqual(['r1@1000', 'r1@5000']);
  });

  it('runs the steps of one time in their order, and a new chain replaces the replica\'s old one', async () => {
    const { ran, timers, step, t0 } = setup();
    timers.arm(t0 + 60_000);
    timers.set('r1', () => [step(t0 + 1000, 'renew'), step(t0 + 1000, 'terminate'), step(t0 + 3000, 'old')]);
    timers.set('r2', () => [step(t0 + 1000, 'r2')]);
    await vi.advanceTimersByTimeAsync(1100);
    expect(ran).toEqual(['renew', 'terminate', 'r2']);
    timers.set('r1', () => [step(t0 + 4000, 'new')]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(ran).toEqual(['renew', 'terminate', 'r2', 'new']);
  });

  it('stop() clears everything; a failing step is reported, not thrown', async () => {
    const { ran, errors, timers, step, t0 } = setup();
    timers.arm(t0 + 60_000);
    timers.set('r1', () => [{ atMs: t0 + 100, run: async () => { throw new Error('issuer refused'); } }, step(t0 + 2000, 'later')]);
    await vi.advanceTimersByTimeAsync(200);
    expect(errors).toMatchObject([{ message: 'issuer refused' }]);
    timers.stop();
    timers.set('r2', () => [step(t0 + 300, 'after-stop')]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(ran).toEqual([]);
  });
});
