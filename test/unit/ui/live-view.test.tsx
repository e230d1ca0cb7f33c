import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { RunEvent } from '../../../src/ports/events.js';
import type { TimelineSnapshot } from '../../../src/recorder/timeline-recorder.js';
import { LiveView } from '../../../src/ui/LiveView.js';
import { initialLiveState, reduceEvent, withSnapshot, withThresholds, type LiveState } from '../../../src/ui/live-state.js';
import { startLiveView } from '../../../src/ui/live-view.js';
import { TimelineRecorder } from '../../../src/recorder/timeline-recorder.js';

afterEach(() => cleanup());

function snap(requests: number, byCause: Record<string, number>, rps: number): TimelineSnapshot {
  const failures = Object.values(byCause).reduce((a, b) => a + b, 0);
  return {
    requests, failures, lastSecondRps: rps, dropped: 0, byCause,
    byKind: { ok: requests - failures, http_4xx: 0, http_5xx: 0, body_error: 0, conn_refused: 0, conn_reset: 0, timeout: 0, other: 0, not_sent: 0 },
  };
}

const ready: RunEvent[] = ['a', 'b', 'c'].flatMap((id) => [
  { t: 100, type: 'replica_started', replica: id, revision: 1, port: 4000 } as const,
  { t: 200, type: 'replica_ready', replica: id, revision: 1 } as const,
]);

function warmUp(): LiveState {
  const s = [...ready, { t: 1000, type: 'load_started' } as const].reduce(reduceEvent, initialLiveState('local-quickstart', 35_000, 5000));
  return withSnapshot(s, snap(1210, {}, 402), undefined, 4000);
}

function midRollout(): LiveState {
  const events: RunEvent[] = [
    { t: 15_000, type: 'rollout_started', revision: 2, trigger: 'refresh', replicas: 3 },
    { t: 15_010, type: 'replica_started', replica: 'd', revision: 2, port: 4003 },
    { t: 16_000, type: 'replica_ready', replica: 'd', revision: 2 },
    { t: 16_001, type: 'replica_terminating', replica: 'a', revision: 1 },
  ];
  const s = events.reduce(reduceEvent, warmUp());
  return withSnapshot(s, snap(6020, { 'http_5xx:28P01': 31, conn_refused: 12, 'conn_reset:ECONNRESET': 4, timeout: 2,
    'http_5xx:57P01': 2, other: 1 }, 398.6), undefined, 17_400);
}

describe('LiveView', () => {
  it('shows the warm-up', () => {
    const { lastFrame } = render(<LiveView state={warmUp()} width={80} />);
    expect(lastFrame()).toMatchInlineSnapshot(`
      "local-quickstart · warm-up
      █████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░   8%  3s / 35s
      402 req/s · 1,210 requests · 0 failed (0%)
        no failures
      replicas: 3 ready · 3 new · 0 old · 0 terminating
      rollout: none in progress · 0 completed
      thresholds: none"
    `);
  });

  it('shows a rollout in progress with failures by cause', () => {
    const { lastFrame } = render(<LiveView state={midRollout()} width={80} />);
    expect(lastFrame()).toMatchInlineSnapshot(`
      "local-quickstart · measuring
      ██████████████████████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  46%  16s / 35s
      399 req/s · 6,020 requests · 52 failed (0.86%)
        http_5xx:28P01 31 · conn_refused 12 · conn_reset:ECONNRESET 4
        http_5xx:57P01 2 · timeout 2 · +1 other
      replicas: 3 ready · 1 new · 2 old · 1 terminating
      rollout: r2 (refresh) 1/3 ready, 2.4s · 0 completed
      thresholds: none"
    `);
  });

  it('shows failing thresholds first and cuts long lines to the width', () => {
    const s = withThresholds(midRollout(), [
      { expression: 'rollout.failure_rate < 0.1%', pass: false },
      { expression: 'baseline.failure_rate == 0', pass: true },
      { expression: 'latency.p99 < 250ms', pass: false },
      { expression: 'leases.outstanding == 0', pass: null },
    ]);
    const { lastFrame } = render(<LiveView state={s} width={80} />);
    const frame = lastFrame() ?? '';
    expect(frame).toMatchInlineSnapshot(`
      "local-quickstart · measuring
      ██████████████████████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  46%  16s / 35s
      399 req/s · 6,020 requests · 52 failed (0.86%)
        http_5xx:28P01 31 · conn_refused 12 · conn_reset:ECONNRESET 4
        http_5xx:57P01 2 · timeout 2 · +1 other
      replicas: 3 ready · 1 new · 2 old · 1 terminating
      rollout: r2 (refresh) 1/3 ready, 2.4s · 0 completed
      thresholds: 1 ✓ 2 ✗ 1 pending · ✗ rollout.failure_rate < 0.1% · ✗ latency.p99 <…"
    `);
    for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('fits 80 columns in at most 8 lines, and rerender updates it', () => {
    const { lastFrame, rerender } = render(<LiveView state={warmUp()} width={120} />);
    const first = lastFrame() ?? '';
    expect(first.split('\n').length).toBeLessThanOrEqual(8);
    for (const line of first.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(first).toContain('warm-up');
    rerender(<LiveView state={midRollout()} width={120} />);
    expect(lastFrame()).toContain('rollout: r2 (refresh) 1/3 ready, 2.4s');
    expect(lastFrame()).toContain('measuring');
    expect(lastFrame()).not.toBe(first);
    const busy = withThresholds(midRollout(), [{ expression: 'rollout.failure_rate < 0.1%', pass: false }]);
    rerender(<LiveView state={busy} width={120} />);
    const lines = (lastFrame() ?? '').split('\n');
    expect(lines.length).toBe(8);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  });
});

describe('LiveView causes', () => {
  it('lists requests the generator never sent (not_sent) among the failures, from a real recorder', () => {
    const rec = new TimelineRecorder({ binMs: 10 });
    for (let ms = 0; ms < 2000; ms += 10) {
      rec.record({ start: ms, latencyMs: 2, kind: ms % 40 === 0 ? 'not_sent' : ms % 100 === 10 ? 'conn_refused' : 'ok', cause: undefined });
    }
    const s = withSnapshot(reduceEvent(initialLiveState('open-model', 2000), { t: 0, type: 'load_started' }), rec.snapshot(2000),
      undefined, 2000);
    expect(s.causes).toEqual([{ cause: 'not_sent', count: 50 }, { cause: 'conn_refused', count: 20 }]);
    const { lastFrame } = render(<LiveView state={s} width={80} />);
    expect(lastFrame()).toContain('200 requests · 70 failed (35.00%)');
    expect(lastFrame()).toContain('  not_sent 50 · conn_refused 20');
  });
});

describe('startLiveView on a terminal', () => {
  it('prints logged lines above the live area and leaves the final frame on stop', async () => {
    let out = '';
    const stderr = { isTTY: true, columns: 80, write: (s: string) => { out += s; return true; } };
    let now = 0;
    const view = startLiveView({
      stderr, color: false, quiet: false, scenario: 'tty-demo', totalMs: 10_000, warmUpMs: 0,
      source: { snapshot: () => snap(500, { conn_refused: 5 }, 100), counts: () => undefined, now: () => now },
    });
    view.log('• a step line');
    view.onEvent({ t: 0, type: 'load_started' });
    view.onEvent({ t: 10, type: 'rollout_started', revision: 2, trigger: 'revoke', replicas: 2 });
    now = 5000;
    await new Promise((r) => setTimeout(r, 400));
    view.setPhase('cleanup');
    await view.stop();
    view.log('after stop');
    expect(out).toContain('• a step line');
    expect(out).toContain('rollout to revision 2 started (revoke)');
    const final = out.slice(out.lastIndexOf('tty-demo'));
    expect(final).toContain('tty-demo · cleanup');
    expect(final).toContain('500 requests');
    expect(final).toContain('  conn_refused 5');
    expect(out.endsWith('after stop\n')).toBe(true);
  });

  it('prints nothing under --quiet', async () => {
    let out = '';
    const view = startLiveView({
      stderr: { isTTY: true, write: (s: string) => (out += s) }, color: true, quiet: true, scenario: 'q', totalMs: 1000,
      source: { snapshot: () => snap(1, {}, 1), counts: () => undefined, now: () => 0 },
    });
    view.log('hidden');
    view.onEvent({ t: 0, type: 'load_started' });
    await view.stop();
    expect(out).toBe('');
  });
});
