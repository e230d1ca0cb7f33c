import type { RotationTrigger, RunEvent } from '../../ports/events.js';
import {
  REVISION_ANNOTATION, type KubeDeployment, type KubeMeta, type KubePod, type KubeReplicaSet,
} from '../../ports/kube.js';
import { RELOAD_TRIGGER_ANNOTATIONS, isPodReady, podSummary, rolloutDone, templateMarkOf, type PodView } from './rollout-rules.js';

/** The kinds the tracker reads. */
export type TrackedKind = 'Deployment' | 'ReplicaSet' | 'Pod';

/**
 * One input of the tracker, stamped with the run clock when it arrived:
 * - a watch event (a re-list delivers `ADDED` for objects already known; they count as updates),
 * - `RELIST`: the names a fresh list returned — known objects missing from it were deleted while
 *   no watch was open,
 * - `ROTATION`: vaultctl triggered a rotation (attributes the next rollout).
 */
export type TrackerInput =
  | { t: number; kind: 'Deployment'; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeDeployment }
  | { t: number; kind: 'ReplicaSet'; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeReplicaSet }
  | { t: number; kind: 'Pod'; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubePod }
  | { t: number; kind: 'Pod' | 'ReplicaSet'; type: 'RELIST'; names: string[] }
  | { t: number; type: 'ROTATION'; trigger: RotationTrigger };

/** Replica counts for the live view (same shape as the local supervisor's). */
export interface PodCounts {
  ready: number;
  old: number;
  new: number;
  terminating: number;
}

/** Triggers whose rotation makes ESO write a new Secret, so Wave rolls the Deployment. */
const ROLLING_TRIGGERS: ReadonlySet<RotationTrigger> = new Set(['at', 'force-sync', 'refresh', 'initial', 'expiry']);
/** A rotation older than this no longer explains a rollout. */
const DEFAULT_TRIGGER_MAX_AGE_MS = 120_000;

interface PodState extends PodView {
  rs?: string;
  configHash?: string;
  reportedReady: boolean;
  reportedTerminating: boolean;
}

/**
 * Derives rollouts from Deployment / ReplicaSet / Pod watch events, emitting the same RunEvents as
 * the local supervisor. Pure: no I/O, no clock — every output follows from the inputs.
 *
 * - A rollout starts when the Deployment's pod template changes: Wave writes a new
 *   `wave.pusher.com/config-hash` (stack-facts G; VSO its `restartedAt`, opts.hashAnnotations), or — for changes without one — a ReplicaSet or
 *   the Deployment carries a `deployment.kubernetes.io/revision` above the current one. Whichever
 *   signal comes first starts it; the other is recognised as the same rollout. The first sight of
 *   the Deployment is the baseline, and a re-list repeats known hashes and revisions, so a
 *   restarted watch never starts a phantom rollout. Templates are never compared as JSON: a typed
 *   list and a raw watch event of the same object serialise differently.
 * - It completes when the Deployment status says so (stack-facts E: observedGeneration, updated,
 *   available) AND every pod of the new revision the Deployment wants is ready AND every older pod
 *   is gone. A rollout superseded by a newer one completes with it, as on the local target.
 */
export class RolloutTracker {
  private deployment?: { configHash?: string; object: KubeDeployment };
  private readonly replicaSets = new Map<string, number>();
  private readonly pods = new Map<string, PodState>();
  /** Revision the Deployment is at (or rolling to). */
  private target = 0;
  private readonly active: { revision: number; startT: number; hash?: string }[] = [];
  private readonly pending: { t: number; trigger: RotationTrigger }[] = [];
  private deadlineWarned = false;

  /**
   * `hashAnnotations`: the pod-template annotations the strategy's controller writes to roll the
   * Deployment (by default Wave's config hash and Reloader's last-reloaded-from; VSO's restartedAt).
   */
  constructor(private readonly opts: { triggerMaxAgeMs?: number; hashAnnotations?: readonly string[] } = {}) {}

  /** The controllers' mark on a pod template: every one of `hashAnnotations` present (rollout-rules.ts templateMarkOf). */
  private hashOf(annotations: Record<string, string> | undefined): string | undefined {
    return templateMarkOf(annotations, this.opts.hashAnnotations ?? RELOAD_TRIGGER_ANNOTATIONS);
  }

  /** Applies one input; returns the events it causes, in order. */
  apply(input: TrackerInput): RunEvent[] {
    const out: RunEvent[] = [];
    if (input.type === 'ROTATION') {
      if (ROLLING_TRIGGERS.has(input.trigger)) this.pending.push({ t: input.t, trigger: input.trigger });
      return out;
    }
    if (input.type === 'RELIST') {
      const present = new Set(input.names);
      if (input.kind === 'Pod') {
        for (const name of [...this.pods.keys()]) if (!present.has(name)) this.podGone(input.t, name, out);
      } else {
        for (const name of [...this.replicaSets.keys()]) if (!present.has(name)) this.replicaSets.delete(name);
      }
    } else if (input.kind === 'Deployment') {
      if (input.type !== 'DELETED') this.onDeployment(input.t, input.object, out);
    } else if (input.kind === 'ReplicaSet') {
      this.onReplicaSet(input.t, input.type, input.object, out);
    } else {
      this.onPod(input.t, input.type, input.object, out);
    }
    this.checkCompletion(input.t, out);
    return out;
  }

  /** The end of the run: a warning for every rollout still in progress (it stays incomplete). */
  finish(t: number): RunEvent[] {
    if (this.active.length === 0) return [];
    const s = this.summary();
    return this.active.map((r): RunEvent => ({
      t, type: 'warning',
      message: `rollout to revision ${r.revision} did not complete: ${s.newReady}/${this.wanted()} new pods ready, ${s.oldLeft} old pods left`,
    }));
  }

  /** Pods by state, relative to the revision the Deployment is at or rolling to. */
  counts(): PodCounts {
    const c: PodCounts = { ready: 0, old: 0, new: 0, terminating: 0 };
    for (const p of this.pods.values()) {
      if (p.terminating) {
        c.terminating++;
        continue;
      }
      if (p.ready) c.ready++;
      if (this.revisionOf(p) === this.target) c.new++;
      else c.old++;
    }
    return c;
  }

  /** Revisions of rollouts started and not yet completed. */
  inProgress(): number[] {
    return this.active.map((r) => r.revision);
  }

  private onDeployment(t: number, d: KubeDeployment, out: RunEvent[]): void {
    const configHash = this.hashOf(d.spec?.template?.metadata?.annotations);
    const prev = this.deployment;
    this.deployment = { configHash, object: d };
    const annotated = revisionOf(d.metadata);
    if (!prev) {
      this.target = Math.max(this.target, annotated ?? 0, ...this.replicaSets.values());
      return;
    }
    if (configHash !== prev.configHash && configHash !== undefined) {
      // Its ReplicaSet may have started this rollout already (separate watches, any order).
      if (this.active.some((r) => r.hash === configHash)) return;
      const newest = Math.max(0, ...this.replicaSets.values());
      this.start(t, newest > this.target ? newest : this.target + 1, configHash, out);
    } else if (annotated !== undefined && annotated > this.target) {
      // A template change without a new Wave hash (an image change, `kubectl rollout restart`).
      this.start(t, annotated, configHash, out);
    } else {
      this.warnDeadline(t, d, out);
    }
  }

  private onReplicaSet(t: number, type: string, rs: KubeReplicaSet, out: RunEvent[]): void {
    const name = rs.metadata.name;
    if (type === 'DELETED') {
      this.replicaSets.delete(name);
      return;
    }
    const revision = revisionOf(rs.metadata);
    if (revision === undefined) return;
    this.replicaSets.set(name, revision);
    // Before the Deployment's baseline nothing can start; afterwards only a newer revision can.
    if (!this.deployment || revision <= this.target) return;
    const hash = this.hashOf(rs.spec?.template?.metadata?.annotations);
    const last = this.active[this.active.length - 1];
    if (last && hash !== undefined && last.hash === hash) {
      // The rollout started from the template change predicted another number: pods follow the
      // real one; its events keep the number they started with, so they still pair.
      this.target = revision;
      return;
    }
    this.start(t, revision, hash, out);
  }

  private start(t: number, revision: number, hash: string | undefined, out: RunEvent[]): void {
    this.target = revision;
    this.deadlineWarned = false;
    this.active.push({ revision, startT: t, ...(hash !== undefined ? { hash } : {}) });
    out.push({ t, type: 'rollout_started', revision, trigger: this.takeTrigger(t), replicas: this.wanted() });
  }

  private onPod(t: number, type: string, pod: KubePod, out: RunEvent[]): void {
    const name = pod.metadata.name;
    if (type === 'DELETED') {
      this.podGone(t, name, out);
      return;
    }
    const p: PodState = this.pods.get(name) ?? { name, ready: false, terminating: false, reportedReady: false, reportedTerminating: false };
    p.rs = pod.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name;
    p.configHash = this.hashOf(pod.metadata.annotations);
    p.terminating = Boolean(pod.metadata.deletionTimestamp);
    p.ready = !p.terminating && isPodReady(pod);
    this.pods.set(name, p);
    const revision = this.revisionOf(p);
    if (p.ready && !p.reportedReady) {
      p.reportedReady = true;
      out.push({ t, type: 'replica_ready', replica: name, revision });
    }
    if (p.terminating && !p.reportedTerminating) {
      p.reportedTerminating = true;
      out.push({ t, type: 'replica_terminating', replica: name, revision });
    }
  }

  private podGone(t: number, name: string, out: RunEvent[]): void {
    const p = this.pods.get(name);
    if (!p) return;
    this.pods.delete(name);
    const revision = this.revisionOf(p);
    out.push({ t, type: 'replica_exited', replica: name, revision, code: null, signal: null,
      expected: p.terminating || revision !== this.target });
  }

  private checkCompletion(t: number, out: RunEvent[]): void {
    if (this.active.length === 0 || !this.deployment) return;
    if (!rolloutDone(this.deployment.object, this.summary(), this.wanted())) return;
    for (const r of this.active.splice(0)) out.push({ t, type: 'rollout_completed', revision: r.revision });
  }

  private summary() {
    return podSummary([...this.pods.values()], (p) => this.revisionOf(p as PodState) === this.target);
  }

  private wanted(): number {
    return this.deployment?.object.spec?.replicas ?? 1;
  }

  /** A pod's revision: its ReplicaSet's; before that arrives, the target when the config hash matches. */
  private revisionOf(p: PodState): number {
    const fromRs = p.rs ? this.replicaSets.get(p.rs) : undefined;
    if (fromRs !== undefined) return fromRs;
    if (p.configHash !== undefined && p.configHash === this.deployment?.configHash) return this.target;
    return -1;
  }

  /** The most recent rotation not yet used (and not too old), else `refresh` (ESO's own interval). */
  private takeTrigger(t: number): RotationTrigger {
    const maxAge = this.opts.triggerMaxAgeMs ?? DEFAULT_TRIGGER_MAX_AGE_MS;
    while (this.pending.length > 0) {
      const p = this.pending.pop()!;
      if (t - p.t <= maxAge) return p.trigger;
    }
    return 'refresh';
  }

  private warnDeadline(t: number, d: KubeDeployment, out: RunEvent[]): void {
    const stuck = d.status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
    if (!stuck || this.deadlineWarned || this.active.length === 0) return;
    this.deadlineWarned = true;
    out.push({ t, type: 'warning', message: `deployment ${d.metadata.name}: ProgressDeadlineExceeded (${stuck.message ?? 'rollout stuck'})` });
  }
}

/** Runs a whole recorded sequence through a fresh tracker (tests, offline analysis). */
export function deriveRollouts(inputs: readonly TrackerInput[], endT?: number): RunEvent[] {
  const tracker = new RolloutTracker();
  const out = inputs.flatMap((i) => tracker.apply(i));
  if (endT !== undefined) out.push(...tracker.finish(endT));
  return out;
}

function revisionOf(meta: KubeMeta): number | undefined {
  const v = meta.annotations?.[REVISION_ANNOTATION];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) ? n : undefined;
}
