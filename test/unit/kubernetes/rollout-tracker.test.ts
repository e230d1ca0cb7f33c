import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveRollouts, RolloutTracker, type TrackerInput } from '../../../src/targets/kubernetes/rollout-tracker.js';
import type { RunEvent } from '../../../src/ports/events.js';
import { rolloutWindows } from '../../../src/analysis/windows.js';

/** Recorded Deployment / ReplicaSet / Pod watch sequences (test/fixtures/kube/*.json). */
function fixture(name: string): TrackerInput[] {
  return JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/kube', `${name}.json`), 'utf8')) as TrackerInput[];
}

const of = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

describe('RolloutTracker', () => {
  it('derives one rollout from a normal rolling update, with its pods and completion', () => {
    const events = deriveRollouts(fixture('normal-rollout'), 20_000);
    expect(of(events, 'rollout_started')).toEqual([{ t: 1500, type: 'rollout_started', revision: 2, trigger: 'force-sync', replicas: 3 }]);
    // The baseline's pods are reported once, at first sight; then the three new ones.
    expect(of(events, 'replica_ready').map((e) => `${e.replica}@${e.revision}`)).toEqual([
      'demo-app-aaa-1@1', 'demo-app-aaa-2@1', 'demo-app-aaa-3@1', 'demo-app-bbb-1@2', 'demo-app-bbb-2@2', 'demo-app-bbb-3@2',
    ]);
    expect(of(events, 'replica_terminating').map((e) => e.replica)).toEqual(['demo-app-aaa-1', 'demo-app-aaa-2', 'demo-app-aaa-3']);
    expect(of(events, 'replica_exited').every((e) => e.expected && e.revision === 1)).toBe(true);
    // Completion waits for the last old pod to be gone, not only for the Deployment status.
    const lastDelete = fixture('normal-rollout').filter((i) => i.type === 'DELETED').at(-1)!.t;
    expect(of(events, 'rollout_completed')).toEqual([{ t: lastDelete, type: 'rollout_completed', revision: 2 }]);
    expect(of(events, 'warning')).toEqual([]);
  });

  it('separates two back-to-back rollouts and attributes the second to ESO\'s refresh', () => {
    const events = deriveRollouts(fixture('back-to-back'), 60_000);
    const started = of(events, 'rollout_started');
    expect(started.map((e) => [e.revision, e.trigger])).toEqual([[2, 'force-sync'], [3, 'refresh']]);
    const completed = of(events, 'rollout_completed');
    expect(completed.map((e) => e.revision)).toEqual([2, 3]);
    expect(completed[0].t).toBeLessThan(started[1].t);
    const windows = rolloutWindows(events, 2000, 60_000);
    expect(windows.map((w) => w.incomplete)).toEqual([false, false]);
  });

  it('reports a rollout that never completes as incomplete at the end instead of waiting', () => {
    const inputs = fixture('never-completes');
    const tracker = new RolloutTracker();
    const events = inputs.flatMap((i) => tracker.apply(i));
    expect(of(events, 'rollout_started')).toHaveLength(1);
    expect(of(events, 'rollout_completed')).toEqual([]);
    expect(of(events, 'warning').map((e) => e.message)).toEqual([expect.stringContaining('ProgressDeadlineExceeded')]);
    expect(tracker.inProgress()).toEqual([2]);
    expect(tracker.counts()).toEqual({ ready: 3, old: 3, new: 1, terminating: 0 });
    const end = tracker.finish(90_000);
    expect(end).toEqual([{ t: 90_000, type: 'warning',
      message: 'rollout to revision 2 did not complete: 0/3 new pods ready, 3 old pods left' }]);
    const windows = rolloutWindows([...events, ...end], 2000, 90_000);
    expect(windows).toEqual([expect.objectContaining({ revision: 2, incomplete: true, completedMs: null, endMs: 90_000 })]);
  });

  it('survives a watch restart mid-rollout: no phantom rollout, the pod deleted in the gap exits once', () => {
    const events = deriveRollouts(fixture('watch-restart'), 30_000);
    expect(of(events, 'rollout_started')).toHaveLength(1);
    expect(of(events, 'rollout_completed').map((e) => e.revision)).toEqual([2]);
    const exited = of(events, 'replica_exited').map((e) => e.replica);
    expect(exited.sort()).toEqual(['demo-app-aaa-1', 'demo-app-aaa-2', 'demo-app-aaa-3']);
    // Pods re-delivered as ADDED are not reported ready again.
    const ready = of(events, 'replica_ready').map((e) => e.replica);
    expect(new Set(ready).size).toBe(ready.length);
  });

  it('a re-list of an unchanged Deployment starts nothing; the same list after a template change starts one', () => {
    const base = fixture('normal-rollout').slice(0, 5);
    const tracker = new RolloutTracker();
    base.forEach((i) => tracker.apply(i));
    const again = base.flatMap((i) => tracker.apply({ ...i, t: 500 } as TrackerInput));
    expect(again).toEqual([]);
  });

  it('starts one rollout whichever comes first: the new ReplicaSet or the Deployment\'s new template', () => {
    const inputs = fixture('normal-rollout');
    const templateChange = inputs.findIndex((i) => i.type === 'MODIFIED' && i.kind === 'Deployment');
    const newRs = inputs.findIndex((i) => i.type === 'ADDED' && i.kind === 'ReplicaSet' && i.t > 0);
    const swapped = [...inputs];
    [swapped[templateChange], swapped[newRs]] = [swapped[newRs], swapped[templateChange]];
    const events = deriveRollouts(swapped);
    expect(of(events, 'rollout_started').map((e) => e.revision)).toEqual([2]);
    expect(of(events, 'rollout_completed').map((e) => e.revision)).toEqual([2]);
  });

  it('a re-listed Deployment serialised in another key order (typed list vs raw watch) is the same template', () => {
    const inputs = fixture('normal-rollout');
    const tracker = new RolloutTracker();
    inputs.slice(0, 5).forEach((i) => tracker.apply(i));
    const d = inputs[0] as Extract<TrackerInput, { kind: 'Deployment' }>;
    const reordered = JSON.parse(JSON.stringify({ status: d.object.status, spec: { template: d.object.spec?.template, replicas: 3 },
      metadata: d.object.metadata })) as typeof d.object;
    expect(tracker.apply({ t: 700, kind: 'Deployment', type: 'ADDED', object: reordered })).toEqual([]);
  });

  it('ignores rotations that do not roll (revoke) and stale ones', () => {
    const inputs = fixture('normal-rollout').map((i) => (i.type === 'ROTATION' ? { ...i, trigger: 'revoke' as const } : i));
    expect(of(deriveRollouts(inputs), 'rollout_started')[0].trigger).toBe('refresh');
    const tracker = new RolloutTracker({ triggerMaxAgeMs: 100 });
    const events = fixture('normal-rollout').flatMap((i) => tracker.apply(i));
    expect(of(events, 'rollout_started')[0].trigger).toBe('refresh');
  });
});
