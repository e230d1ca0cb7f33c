import type { LeaseClock, Rand, StrategyFacts, StrategyModule, TimelineEvent } from './strategy.js';
import { NO_JITTER, unrenewedEnd } from './strategy.js';
import { chainSchedule, lifetimeWatcher } from './timing.js';

/** Secrets Store CSI driver + Vault CSI provider (seed 004): files mounted per pod. */
export interface CsiParams {
  /** Driver `enableSecretRotation`: republish (poll) mounted secrets; false = only at pod start. */
  rotationEnabled: boolean;
  /** Driver `rotationPollInterval` in ms: a republish within this long of the last one is skipped. */
  rotationPollIntervalMs: number;
  /** vault-helm `csi.agent.enabled`: the provider talks to Vault through an agent with `cache {}`. */
  agentCache: boolean;
  /** `file`: the app uses the file updated in place; `restart`: env users need a rollout (Reloader --enable-csi-integration). */
  pickup: 'file' | 'restart';
}

/** Upstream defaults: rotation off, poll 2m, agent on (vault-helm 0.34.1). */
export const CSI_DEFAULTS: Readonly<CsiParams> = {
  rotationEnabled: false, rotationPollIntervalMs: 120_000, agentCache: true, pickup: 'file',
};

const CSID = 'kubernetes-sigs/secrets-store-csi-driver@v1.6.0';

/** Facts file §3 (Secrets Store CSI Driver + Vault CSI provider) and §0.2 (agent cache). */
export const CSI_FACTS: StrategyFacts = {
  name: 'csi',
  emulates: 'Secrets Store CSI driver v1.6.0 + Vault CSI provider v1.7.4 (vault-helm 0.34.1, agent hashicorp/vault:2.0.4)',
  newCredentials: {
    trigger: 'mount-and-poll',
    summary: 'at each pod start, per replica (its own DB user); on rotation polls: new creds each poll without the agent, the cached lease with it (UNVERIFIED)',
  },
  pickups: ['file', 'restart'],
  oldLease: ['never', 'expires'],
  perReplicaCredentials: true,
  needsVault: false,
  parameters: [
    { name: 'rotationEnabled', upstream: 'secrets-store-csi-driver chart enableSecretRotation', upstreamDefault: false,
      source: { key: 'CSID', ref: `${CSID} charts/secrets-store-csi-driver/values.yaml L218-236; templates/csidriver.yaml L8-16` }, certainty: 'DERIVED' },
    { name: 'rotationPollIntervalMs', upstream: 'secrets-store-csi-driver chart rotationPollInterval (empty = 2m)', upstreamDefault: 120_000,
      source: { key: 'CSID', ref: `${CSID} charts/secrets-store-csi-driver/values.yaml L218-236; docs/book/src/topics/secret-auto-rotation.md` },
      certainty: 'UNVERIFIED', unverified: 'republish cadence: a poll is the first kubelet republish at least this long after the last (facts file §10.2)' },
    { name: 'agentCache', upstream: 'vault-helm csi.agent.enabled', upstreamDefault: true,
      source: { key: 'VH', ref: 'hashicorp/vault-helm@0.34.1 templates/csi-daemonset.yaml L72-78, csi-agent-configmap.yaml' },
      certainty: 'UNVERIFIED', unverified: 'that the agent cache reuses and renews the lease across polls (facts file §0.2, §10.2)' },
    { name: 'pickup', upstream: 'file mount (not subPath) vs env from the synced Secret', upstreamDefault: 'file',
      source: { key: 'CSID', ref: `${CSID} docs/book/src/topics/secret-auto-rotation.md` }, certainty: 'DERIVED' },
  ],
  sources: [
    { key: 'VCP', ref: 'hashicorp/vault-csi-provider@v1.7.4 internal/provider/provider.go L108-130; server.go L51-62 (one read per path per mount)' },
    { key: 'DOC', ref: 'hashicorp/vault website/content/docs/agent-and-proxy/agent/caching/index.mdx (agent renews cached leases)' },
  ],
  unverified: [
    'agent-cache credential reuse across polls; republish cadence (facts file §10.2)',
    'kubernetes-sigs/secrets-store-csi-driver#1453 saw new creds on every poll (setup unknown)',
  ],
};

/** The first poll at or after `atMs`, polls being every interval from the mount at `mountedAtMs`. */
export function pollAtOrAfter(mountedAtMs: number, atMs: number, intervalMs: number): number {
  const n = Math.max(1, Math.ceil((atMs - mountedAtMs) / intervalMs));
  return mountedAtMs + n * intervalMs;
}

/** One mount's lease: renewed by the agent (UNVERIFIED) or by nobody (provider alone). */
function leaseRun(clock: LeaseClock, params: CsiParams, rand: Rand) {
  if (!params.agentCache) return { renewals: [], leaseEndsAtMs: unrenewedEnd(clock), cachedUntilMs: clock.issuedAtMs };
  const run = lifetimeWatcher(clock, rand);
  return { renewals: run.renewals, leaseEndsAtMs: run.leaseEndsAtMs, cachedUntilMs: run.doneAtMs };
}

/**
 * A replica's next credentials: none without rotation (null: only a pod restart brings new ones);
 * without the agent, every poll mints a new unrenewed lease (`issuedAt + pollInterval`); with the
 * agent cache, the first poll after the agent's watcher gives the lease up (UNVERIFIED, facts §0.2).
 * Source: [CSID] docs/book/src/topics/secret-auto-rotation.md, [VCP] provider.go L108-130, facts file §3.
 */
export function nextCredentialsAt(issuedAtMs: number, leaseMs: number, maxTtlMs: number, params: CsiParams, rand: Rand = NO_JITTER): number | null {
  if (!params.rotationEnabled) return null;
  const run = leaseRun({ issuedAtMs, leaseMs, maxTtlMs }, params, rand);
  return pollAtOrAfter(issuedAtMs, run.cachedUntilMs, params.rotationPollIntervalMs);
}

/** One replica's mount: renewals (agent), polls that return the cached lease, new leases, expiries. */
export function schedule(lease: LeaseClock, untilMs: number, params: CsiParams, rand: Rand = NO_JITTER): TimelineEvent[] {
  return chainSchedule(lease, untilMs, (clock) => {
    const run = leaseRun(clock, params, rand);
    const next = params.rotationEnabled ? pollAtOrAfter(clock.issuedAtMs, run.cachedUntilMs, params.rotationPollIntervalMs) : null;
    const polls: { atMs: number; kind: 'poll' }[] = [];
    const lastPoll = Math.min(next ?? untilMs, untilMs);
    if (params.rotationEnabled) {
      for (let t = clock.issuedAtMs + params.rotationPollIntervalMs; t < lastPoll; t += params.rotationPollIntervalMs) polls.push({ atMs: t, kind: 'poll' });
    }
    return {
      events: [
        ...run.renewals.map((r) => ({ atMs: r.atMs, kind: r.truncated ? 'renew-truncated' as const : 'renew' as const })),
        ...polls,
        { atMs: run.leaseEndsAtMs, kind: 'lease-expires' },
      ],
      next: next === null ? null : { atMs: next, pickupAtMs: next },
    };
  });
}

/** The strategy as registered in the table. */
export const csi: StrategyModule<CsiParams> = { facts: CSI_FACTS, defaults: CSI_DEFAULTS, nextCredentialsAt, schedule };
