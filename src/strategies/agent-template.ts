import type { LeaseClock, Rand, StrategyFacts, StrategyModule, TimelineEvent } from './strategy.js';
import { NO_JITTER, unrenewedEnd } from './strategy.js';
import { chainSchedule, lifetimeWatcher } from './timing.js';

/** Vault Agent injector template (seeds 002, 004): a file re-rendered by the agent sidecar. */
export interface AgentTemplateParams {
  /** How the app learns of a new file: re-reads it, gets SIGHUP (agent-inject-command) or is rolled. */
  pickup: 'reread' | 'signal' | 'restart';
  /** `agent-pre-populate-only`: init container only, nobody renews the lease. */
  prePopulateOnly: boolean;
  /** `agent-revoke-on-shutdown`: preStop `sleep <grace> && vault token revoke -self` at pod stop. */
  revokeOnShutdown: boolean;
  /** `agent-revoke-grace` in ms: DB leases die about this long into termination. */
  revokeGraceMs: number;
  /** `agent-cache-enable`: the sidecar reuses the init container's lease (else two creds at start, vault-k8s#162). */
  cacheEnable: boolean;
}

/** Upstream defaults (no agent-inject-command: the app must re-read the file). */
export const AGENT_TEMPLATE_DEFAULTS: Readonly<AgentTemplateParams> = {
  pickup: 'reread', prePopulateOnly: false, revokeOnShutdown: false, revokeGraceMs: 5_000, cacheEnable: false,
};

const VK8S = 'hashicorp/vault-k8s@v1.7.6 agent-inject/agent/annotations.go';

/** Facts file §2 (Vault Agent Injector). */
export const AGENT_TEMPLATE_FACTS: StrategyFacts = {
  name: 'agent-template',
  emulates: 'Vault Agent injector (vault-k8s v1.7.6, agent hashicorp/vault:2.0.4, chart 0.34.1) with a consul-template template',
  newCredentials: {
    trigger: 'lifetime-watcher-done',
    summary: 'renews now, then every 2/3·remaining + grace/3; re-fetches when remaining ≤ 4×grace (only once max TTL caps renewals) or on a renew error',
  },
  pickups: ['reread', 'signal', 'restart'],
  oldLease: ['expires', 'revoked-on-shutdown'],
  perReplicaCredentials: true,
  needsVault: false,
  parameters: [
    { name: 'pickup', upstream: 'vault.hashicorp.com/agent-inject-command-<n> (absent: app re-reads)', upstreamDefault: 'reread',
      source: { key: 'VK8S', ref: `${VK8S}; agent.go L20-39` }, certainty: 'DERIVED' },
    { name: 'prePopulateOnly', upstream: 'vault.hashicorp.com/agent-pre-populate-only', upstreamDefault: false,
      source: { key: 'VK8S', ref: VK8S }, certainty: 'DERIVED' },
    { name: 'revokeOnShutdown', upstream: 'vault.hashicorp.com/agent-revoke-on-shutdown', upstreamDefault: false,
      source: { key: 'VK8S', ref: 'hashicorp/vault-k8s@v1.7.6 agent-inject/agent/container_sidecar.go L213-227' }, certainty: 'DERIVED' },
    { name: 'revokeGraceMs', upstream: 'vault.hashicorp.com/agent-revoke-grace (seconds)', upstreamDefault: 5_000,
      source: { key: 'VK8S', ref: 'hashicorp/vault-k8s@v1.7.6 agent-inject/agent/container_sidecar.go L213-227' }, certainty: 'DERIVED' },
    { name: 'cacheEnable', upstream: 'vault.hashicorp.com/agent-cache-enable', upstreamDefault: false,
      source: { key: 'VK8S', ref: `${VK8S} L900-905` }, certainty: 'DERIVED' },
  ],
  sources: [
    { key: 'VLT', ref: 'hashicorp/vault api/lifetime_watcher.go (doRenewWithOptions, calculateSleepDuration, calculateGrace)' },
    { key: 'CT', ref: 'hashicorp/consul-template@v0.42.1 dependency/vault_read.go L78-96, vault_common.go L80-110' },
    { key: 'DOC', ref: 'hashicorp/vault website/content/docs/agent-and-proxy/agent/template.mdx (renewable: 2/3; non-renewable: 85 %)' },
  ],
  unverified: [
    'overlap ≤ 4×grace is arithmetic, not measured (facts file §10.6)',
    '`pkill` present in hashicorp/vault:2.0.4 for agent-inject-command (facts file §10.7)',
  ],
};

/** One lease under the agent: the LifetimeWatcher's run, or no renewal at all with pre-populate-only. */
function leaseRun(clock: LeaseClock, params: AgentTemplateParams, rand: Rand) {
  if (params.prePopulateOnly) return { renewals: [], doneAtMs: null, leaseEndsAtMs: unrenewedEnd(clock) };
  return lifetimeWatcher(clock, rand);
}

/**
 * When consul-template re-fetches: the moment its LifetimeWatcher returns (remaining ≤ 4×grace,
 * grace ∈ [10 %, 20 %) of the lease), null with pre-populate-only (nobody renews; the lease dies at
 * min(lease, maxTtl)). Source: [CT] dependency/vault_read.go L78-96, [VLT] api/lifetime_watcher.go;
 * facts file §2 "Renewal".
 */
export function nextCredentialsAt(
  issuedAtMs: number, leaseMs: number, maxTtlMs: number, params: AgentTemplateParams, rand: Rand = NO_JITTER,
): number | null {
  return leaseRun({ issuedAtMs, leaseMs, maxTtlMs }, params, rand).doneAtMs;
}

/**
 * Renewals, the re-fetch (new credentials, file re-rendered, then the pickup at once), and the old
 * lease expiring unrevoked at the end of its last renewal (max TTL). rand is drawn once per grace.
 */
export function schedule(lease: LeaseClock, untilMs: number, params: AgentTemplateParams, rand: Rand = NO_JITTER): TimelineEvent[] {
  return chainSchedule(lease, untilMs, (clock) => {
    const run = leaseRun(clock, params, rand);
    return {
      events: [
        ...run.renewals.map((r) => ({ atMs: r.atMs, kind: r.truncated ? 'renew-truncated' as const : 'renew' as const })),
        { atMs: run.leaseEndsAtMs, kind: 'lease-expires' },
      ],
      next: run.doneAtMs === null ? null : { atMs: run.doneAtMs, pickupAtMs: run.doneAtMs },
    };
  });
}

/**
 * When a replica's leases die after its pod is told to stop: `revokeGraceMs` into termination with
 * revoke-on-shutdown (preStop sleep, then `vault token revoke -self` revokes the token's leases),
 * else never early (null: they expire). Source: [VK8S] container_sidecar.go L213-227; facts file §2.
 */
export function revokedAfterStopAt(stopAtMs: number, params: AgentTemplateParams): number | null {
  return params.revokeOnShutdown ? stopAtMs + params.revokeGraceMs : null;
}

/** The strategy as registered in the table. */
export const agentTemplate: StrategyModule<AgentTemplateParams> = {
  facts: AGENT_TEMPLATE_FACTS, defaults: AGENT_TEMPLATE_DEFAULTS, nextCredentialsAt, schedule,
};
