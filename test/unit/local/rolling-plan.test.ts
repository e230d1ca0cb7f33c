import { describe, expect, it } from 'vitest';
import { planRolloutStep, type PlanReplica, type RolloutParams } from '../../../src/targets/local/rolling-plan.js';

/** A replica set that applies plan steps the way the supervisor does. */
class Sim {
  private next = 1;
  constructor(public set: PlanReplica[], private params: RolloutParams) {
    this.next = set.length + 1;
  }
  static steady(replicas: number, revision: number, params: RolloutParams): Sim {
    const set = Array.from({ length: replicas }, (_, i) => ({ id: `r${i + 1}`, revision, state: 'ready' as const }));
    return new Sim(set, params);
  }
  retarget(revision: number): void {
    this.params = { ...this.params, targetRevision: revision };
  }
  /** Applies one step; returns it. */
  step() {
    const s = planRolloutStep(this.set, this.params);
    for (const id of s.terminate) this.find(id).state = 'terminating';
    for (let i = 0; i < s.create; i++) {
      this.set.push({ id: `r${this.next++}`, revision: this.params.targetRevision, state: 'starting' });
    }
    return s;
  }
  ready(id: string): void {
    expect(this.find(id).state).toBe('starting');
    this.find(id).state = 'ready';
  }
  exit(id: string): void {
    expect(this.find(id).state).toBe('terminating');
    this.set = this.set.filter((r) => r.id !== id);
  }
  find(id: string): PlanReplica {
    const r = this.set.find((x) => x.id === id);
    if (!r) throw new Error(`no ${id}`);
    return r;
  }
  ids(state: PlanReplica['state']): string[] {
    return this.set.filter((r) => r.state === state).map((r) => r.id);
  }
  available(): number {
    return this.ids('ready').length;
  }
  active(): number {
    return this.set.filter((r) => r.state !== 'terminating').length;
  }
}

const p = (replicas: number, maxSurge: number, maxUnavailable: number, targetRevision = 2): RolloutParams =>
  ({ replicas, maxSurge, maxUnavailable, targetRevision });

describe('planRolloutStep: scripted rollouts', () => {
  it('3 replicas, maxSurge 1 / maxUnavailable 0: one new at a time, never below 3 available', () => {
    const sim = Sim.steady(3, 1, p(3, 1, 0));
    expect(sim.step()).toEqual({ create: 1, terminate: [], done: false });
    expect(sim.step()).toEqual({ create: 0, terminate: [], done: false });
    sim.ready('r4');
    expect(sim.step()).toEqual({ create: 1, terminate: ['r1'], done: false });
    expect(sim.available()).toBe(3);
    sim.exit('r1');
    expect(sim.step().create).toBe(0);
    sim.ready('r5');
    expect(sim.step()).toEqual({ create: 1, terminate: ['r2'], done: false });
    sim.ready('r6');
    expect(sim.step()).toEqual({ create: 0, terminate: ['r3'], done: false });
    sim.exit('r2');
    expect(sim.step().done).toBe(false);
    sim.exit('r3');
    expect(sim.step()).toEqual({ create: 0, terminate: [], done: true });
    expect(sim.set.map((r) => r.revision)).toEqual([2, 2, 2]);
  });

  it('3 replicas, maxSurge 0 / maxUnavailable 1: end one old first, then replace it', () => {
    const sim = Sim.steady(3, 1, p(3, 0, 1));
    expect(sim.step()).toEqual({ create: 1, terminate: ['r1'], done: false });
    expect(sim.step()).toEqual({ create: 0, terminate: [], done: false });
    expect(sim.active()).toBe(3);
    sim.ready('r4');
    expect(sim.step()).toEqual({ create: 1, terminate: ['r2'], done: false });
    sim.exit('r1');
    sim.exit('r2');
    sim.ready('r5');
    expect(sim.step()).toEqual({ create: 1, terminate: ['r3'], done: false });
    sim.ready('r6');
    sim.exit('r3');
    expect(sim.step().done).toBe(true);
  });

  it('1 replica, maxSurge 1 / maxUnavailable 0: the old one ends only after the new one is ready', () => {
    const sim = Sim.steady(1, 1, p(1, 1, 0));
    expect(sim.step()).toEqual({ create: 1, terminate: [], done: false });
    expect(sim.step()).toEqual({ create: 0, terminate: [], done: false });
    sim.ready('r2');
    expect(sim.step()).toEqual({ create: 0, terminate: ['r1'], done: false });
    expect(sim.step().done).toBe(false);
    sim.exit('r1');
    expect(sim.step().done).toBe(true);
  });

  it('1 replica, maxSurge 0 / maxUnavailable 1: the old one ends first (downtime by design)', () => {
    const sim = Sim.steady(1, 1, p(1, 0, 1));
    expect(sim.step()).toEqual({ create: 1, terminate: ['r1'], done: false });
    expect(sim.available()).toBe(0);
    sim.ready('r2');
    expect(sim.step().done).toBe(false);
    sim.exit('r1');
    expect(sim.step().done).toBe(true);
  });

  it('maxSurge 2: two new replicas start at once', () => {
    const sim = Sim.steady(3, 1, p(3, 2, 0));
    expect(sim.step()).toEqual({ create: 2, terminate: [], done: false });
    sim.ready('r5');
    expect(sim.step()).toEqual({ create: 1, terminate: ['r1'], done: false });
    sim.ready('r4');
    expect(sim.step()).toEqual({ create: 0, terminate: ['r2'], done: false });
    sim.ready('r6');
    expect(sim.step()).toEqual({ create: 0, terminate: ['r3'], done: false });
    for (const id of ['r1', 'r2', 'r3']) sim.exit(id);
    expect(sim.step().done).toBe(true);
  });

  it('maxSurge 0 and maxUnavailable 0 behaves as maxUnavailable 1 (Kubernetes fenceposts)', () => {
    const sim = Sim.steady(2, 1, p(2, 0, 0));
    expect(sim.step()).toEqual({ create: 1, terminate: ['r1'], done: false });
    expect(sim.active()).toBe(2);
  });

  it('a newer revision supersedes a rollout mid-way: unready intermediates end, oldest first', () => {
    const sim = Sim.steady(3, 1, p(3, 1, 0, 2));
    sim.step();
    sim.ready('r4');
    sim.step(); // r1 terminating, r5 (rev 2) starting
    sim.retarget(3);
    const s = sim.step();
    // r5 (rev 2, starting) serves nobody: ended now. r4 (rev 2, ready) must wait for availability.
    expect(s.terminate).toEqual(['r5']);
    expect(s.create).toBe(1);
    expect(sim.find('r6').revision).toBe(3);
    sim.ready('r6');
    // Oldest revision goes first: r2 (rev 1) before r4 (rev 2).
    expect(sim.step()).toEqual({ create: 1, terminate: ['r2'], done: false });
    sim.exit('r1');
    sim.exit('r5');
    expect(sim.step()).toEqual({ create: 0, terminate: [], done: false });
    sim.ready('r7');
    expect(sim.step()).toEqual({ create: 1, terminate: ['r3'], done: false });
    sim.ready('r8');
    expect(sim.step().terminate).toEqual(['r4']);
    for (const id of ['r2', 'r3']) sim.exit(id);
    expect(sim.step().done).toBe(false);
    sim.exit('r4');
    expect(sim.step()).toEqual({ create: 0, terminate: [], done: true });
  });

  it('completion needs exactly `replicas` ready replicas of the target and no terminating one', () => {
    const params = p(2, 1, 0);
    expect(planRolloutStep([{ id: 'a', revision: 2, state: 'ready' }, { id: 'b', revision: 2, state: 'ready' }], params).done)
      .toBe(true);
    expect(planRolloutStep([{ id: 'a', revision: 2, state: 'ready' }, { id: 'b', revision: 2, state: 'starting' }], params).done)
      .toBe(false);
    expect(planRolloutStep([
      { id: 'a', revision: 2, state: 'ready' }, { id: 'b', revision: 2, state: 'ready' },
      { id: 'c', revision: 1, state: 'terminating' }], params).done).toBe(false);
    expect(planRolloutStep([{ id: 'a', revision: 2, state: 'ready' }], params))
      .toEqual({ create: 1, terminate: [], done: false });
  });

  it('an old replica that is not ready (a restarting one) is ended at once', () => {
    const set: PlanReplica[] = [
      { id: 'r1', revision: 1, state: 'ready' }, { id: 'r2', revision: 1, state: 'starting' },
      { id: 'r3', revision: 1, state: 'ready' }];
    // r2 ends; its place and the surge slot go to new replicas.
    expect(planRolloutStep(set, p(3, 1, 0))).toEqual({ create: 2, terminate: ['r2'], done: false });
  });
});

/**
 * Exhaustive exploration: from a steady old revision, every order in which starting replicas
 * become ready and terminating ones exit (and, optionally, a newer revision arriving at any
 * point) keeps the invariants and always reaches completion.
 */
describe('planRolloutStep: every interleaving', () => {
  type Key = string;
  const key = (set: PlanReplica[], target: number, superseded: boolean): Key =>
    `${target}|${superseded}|` + set.map((r) => `${r.revision}${r.state[0]}`).sort().join(',');

  function explore(replicas: number, maxSurge: number, maxUnavailable: number, supersede: boolean) {
    const minAvailable = replicas - (maxSurge === 0 && maxUnavailable === 0 ? 1 : maxUnavailable);
    const seen = new Set<Key>();
    let states = 0;
    let completions = 0;
    const visit = (set: PlanReplica[], target: number, superseded: boolean, nextId: number): void => {
      // Drive the plan to a fixed point, as the supervisor's kick() does.
      const s = planRolloutStep(set, { replicas, maxSurge, maxUnavailable, targetRevision: target });
      for (const id of s.terminate) set.find((r) => r.id === id)!.state = 'terminating';
      for (let i = 0; i < s.create; i++) set.push({ id: `r${nextId++}`, revision: target, state: 'starting' });
      const again = planRolloutStep(set, { replicas, maxSurge, maxUnavailable, targetRevision: target });
      expect(again.create).toBe(0);
      expect(again.terminate).toEqual([]);

      const active = set.filter((r) => r.state !== 'terminating');
      expect(active.length).toBeLessThanOrEqual(replicas + maxSurge);
      expect(active.filter((r) => r.revision === target).length).toBeLessThanOrEqual(replicas);
      expect(active.filter((r) => r.state === 'ready').length).toBeGreaterThanOrEqual(minAvailable);
      if (s.done) {
        completions++;
        return;
      }
      const k = key(set, target, superseded);
      if (seen.has(k)) return;
      seen.add(k);
      states++;
      const moves: PlanReplica[][] = [];
      const classes = new Set<string>();
      for (const r of set) {
        if (r.state === 'ready' || classes.has(`${r.revision}${r.state}`)) continue;
        classes.add(`${r.revision}${r.state}`);
        moves.push(r.state === 'starting'
          ? set.map((x) => (x === r ? { ...x, state: 'ready' as const } : { ...x }))
          : set.filter((x) => x !== r).map((x) => ({ ...x })));
      }
      // No deadlock: something is always pending when the rollout is not done.
      expect(moves.length).toBeGreaterThan(0);
      for (const m of moves) visit(m, target, superseded, nextId);
      if (supersede && !superseded) visit(set.map((x) => ({ ...x })), target + 1, true, nextId);
    };
    const initial = Array.from({ length: replicas }, (_, i) => ({ id: `r${i + 1}`, revision: 1, state: 'ready' as const }));
    visit(initial, 2, false, replicas + 1);
    expect(completions).toBeGreaterThan(0);
    return states;
  }

  const cases: Array<[number, number, number]> = [
    [1, 1, 0], [1, 0, 1], [2, 1, 0], [2, 0, 1], [3, 1, 0], [3, 0, 1], [3, 2, 0], [3, 1, 1], [3, 0, 2], [4, 2, 1],
  ];
  for (const [replicas, surge, unavail] of cases) {
    it(`replicas ${replicas}, maxSurge ${surge}, maxUnavailable ${unavail}`, () => {
      expect(explore(replicas, surge, unavail, false)).toBeGreaterThan(0);
    });
    it(`replicas ${replicas}, maxSurge ${surge}, maxUnavailable ${unavail}, superseded at any point`, () => {
      expect(explore(replicas, surge, unavail, true)).toBeGreaterThan(0);
    });
  }
});
