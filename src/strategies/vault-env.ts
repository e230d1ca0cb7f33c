import type { LeaseClock, Rand, StrategyFacts, StrategyModule, TimelineEvent } from './strategy.js';
import { NO_JITTER, unrenewedEnd } from './strategy.js';
import { chainSchedule, lifetimeWatcher } from './timing.js';

/** Bank-Vaults vault-env (seed 003 ecosystem): env at exec, daemon mode renewing the lease. */
export interface VaultEnvParams {
  /** `vault-env-daemon`: keep running, renew the lease, SIGTERM the app when renewal stops. */
  daemon: boolean;
  /** After SIGTERM, vault-env sends SIGKILL this long later (ms) and exits. */
  killAfterMs: number;
  /** Time from vault-env's exit to the container's restart (kubelet back-off). */
  restartDelayMs: number;
}

/** vaultctl's defaults: daemon mode (what the strategy is), SIGKILL after 10 s, restart at once (UNVERIFIED). */
export const VAULT_ENV_DEFAULTS: Readonly<VaultEnvParams> = { daemon: true, killAfterMs: 10_000, restartDelayMs: 0 };

const BVE = 'bank-vaults/vault-env@v1.23.0 main.go';

/** Facts file §5 (Bank-Vaults), "Dynamic creds". */
export const VAULT_ENV_FACTS: StrategyFacts = {
  name: 'vault-env',
  emulates: 'Bank-Vaults vault-secrets-webhook v1.23.1 + vault-env v1.23.0 in daemon mode',
  newCredentials: {
    trigger: 'container-start',
    summary: 'at each container (re)start; in daemon mode the lease is renewed and, when renewal stops (max TTL), the app gets SIGTERM and the container restarts in place',
  },
  pickups: ['in-place-restart', 'env-at-start'],
  oldLease: ['renewed-until-max', 'never'],
  perReplicaCredentials: true,
  needsVault: false,
  parameters: [
    { name: 'daemon', upstream: 'vault.security.banzaicloud.io/vault-env-daemon (webhook vault_env_daemon)', upstreamDefault: false,
      vaultctlDefault: { value: true, why: 'the strategy is daemon mode; without it nobody renews and the lease dies at default_ttl' },
      source: { key: 'BVW', ref: 'bank-vaults/vault-secrets-webhook@v1.23.1 pkg/webhook/config.go L477-516' }, certainty: 'DERIVED' },
    { name: 'killAfterMs', upstream: 'vault-env SIGTERM → SIGKILL delay', upstreamDefault: 10_000,
      source: { key: 'BVE', ref: `${BVE} L339-400` }, certainty: 'DERIVED' },
    { name: 'restartDelayMs', upstream: 'kubelet container restart back-off', upstreamDefault: 0,
      source: { key: 'BVE', ref: `${BVE} L339-400 (exits; the container restarts)` },
      certainty: 'UNVERIFIED', unverified: 'container restart (back-off) timing (facts file §5, §10.3)' },
  ],
  sources: [
    { key: 'BVE', ref: `${BVE} L98-140 (non-daemon exec, no renewal), L339-400 (daemon LifetimeWatcher, SIGTERM, SIGKILL after 10 s)` },
    { key: 'BVSDK', ref: 'bank-vaults/vault-sdk@v0.12.0 injector/vault/injector.go L214-330 (one read per path#version: one lease)' },
    { key: 'VLT', ref: 'hashicorp/vault api/lifetime_watcher.go (the watcher vault-env runs)' },
  ],
  unverified: ['container restart timing; whether vault-env renews its own token (facts file §10.3)'],
};

/** One container's lease: the daemon's LifetimeWatcher, or no renewal (non-daemon exec). */
function leaseRun(clock: LeaseClock, params: VaultEnvParams, rand: Rand) {
  if (!params.daemon) return { renewals: [], doneAtMs: null, leaseEndsAtMs: unrenewedEnd(clock) };
  return lifetimeWatcher(clock, rand);
}

/**
 * When vault-env SIGTERMs the app: the moment its LifetimeWatcher returns (remaining ≤ 4×grace,
 * near max TTL); null in non-daemon mode. Source: [BVE] main.go L339-400; facts file §5.
 */
export function terminateAt(issuedAtMs: number, leaseMs: number, maxTtlMs: number, params: VaultEnvParams, rand: Rand = NO_JITTER): number | null {
  return leaseRun({ issuedAtMs, leaseMs, maxTtlMs }, params, rand).doneAtMs;
}

/**
 * The next credentials: the container's restart after the SIGTERM (`terminateAt + restartDelay`),
 * minted by the new vault-env; null in non-daemon mode (the lease dies at min(lease, maxTtl)).
 * Replicas started together reach max TTL together, so they restart together.
 * Source: [BVE] main.go L98-140, L339-400; facts file §5 "Dynamic creds".
 */
export function nextCredentialsAt(issuedAtMs: number, leaseMs: number, maxTtlMs: number, params: VaultEnvParams, rand: Rand = NO_JITTER): number | null {
  const term = terminateAt(issuedAtMs, leaseMs, maxTtlMs, params, rand);
  return term === null ? null : term + params.restartDelayMs;
}

/** One container: renewals, SIGTERM, the in-place restart with new credentials, and the old lease expiring. */
export function schedule(lease: LeaseClock, untilMs: number, params: VaultEnvParams, rand: Rand = NO_JITTER): TimelineEvent[] {
  return chainSchedule(lease, untilMs, (clock) => {
    const run = leaseRun(clock, params, rand);
    const restart = run.doneAtMs === null ? null : run.doneAtMs + params.restartDelayMs;
    return {
      events: [
        ...run.renewals.map((r) => ({ atMs: r.atMs, kind: r.truncated ? 'renew-truncated' as const : 'renew' as const })),
        ...(run.doneAtMs === null ? [] : [{ atMs: run.doneAtMs, kind: 'terminate' as const }]),
        { atMs: run.leaseEndsAtMs, kind: 'lease-expires' },
      ],
      next: restart === null ? null : { atMs: restart, pickupAtMs: restart },
    };
  });
}

/** The strategy as registered in the table. */
export const vaultEnv: StrategyModule<VaultEnvParams> = { facts: VAULT_ENV_FACTS, defaults: VAULT_ENV_DEFAULTS, nextCredentialsAt, schedule };
