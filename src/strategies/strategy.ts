/*
 * The delivery strategies' facts as types: what each strategy emulates, when new credentials come,
 * how a replica picks them up and what happens to the old lease. Sources are cited as
 * ../shared/reference/delivery-strategies.md ("the facts file") cites them: `[KEY] path Lnn` at
 * the tag pinned in its table (e.g. [VSO] = hashicorp/vault-secrets-operator v1.4.1).
 * Pure data and types; the timing functions live in one file per strategy.
 */

/** The delivery strategies, one per way Vault credentials reach an app that knows nothing about Vault. */
export type StrategyName =
  | 'secret-sync-restart' | 'vso' | 'agent-template' | 'csi' | 'vault-env' | 'init-renewer' | 'static-role' | 'direct';

/** What makes new credentials come (not counting a pod (re)start, which every strategy reacts to). */
export type CredentialTrigger =
  /** Every refresh interval, whatever the lease (ESO refreshInterval). */
  | 'refresh-interval'
  /** A lease renewal came back shorter than asked (max TTL reached): VSO. */
  | 'renewal-truncated'
  /** A Vault LifetimeWatcher stopped (remaining ≤ 4×grace near max TTL, or a renew error). */
  | 'lifetime-watcher-done'
  /** Each mount (pod start) and each rotation poll. */
  | 'mount-and-poll'
  /** Only when the container (re)starts. */
  | 'container-start'
  /** Only when the pod starts. */
  | 'pod-start'
  /** The static role's password is rotated in place every rotation_period. */
  | 'rotation-period';

/**
 * How a running replica gets new credentials: a rolling `restart` (surge, Deployment rollout),
 * an `in-place-restart` of the container (no surge), a `signal` (SIGHUP), `reread` (the app
 * watches the file), `file` (file updated in place, used when the app next reads it),
 * `env-at-start` (environment at exec: never while running) or `in-process` (the app itself).
 */
export type Pickup = 'restart' | 'in-place-restart' | 'signal' | 'reread' | 'file' | 'env-at-start' | 'in-process';

/**
 * What happens to the lease of credentials that were replaced (or that nobody replaces):
 * `never` (not renewed, not revoked: expires at its TTL, leases pile up), `expires` (renewed while
 * current, then left to expire), `revoked-on-delete` (VSO `revoke`), `revoked-on-shutdown` (agent
 * `revoke-on-shutdown`), `renewed-until-max` (renewed until max TTL, then the credentials die),
 * `app-revokes` (the app revokes it itself), `no-lease` (static role: the password is overwritten).
 */
export type OldLease =
  | 'never' | 'expires' | 'revoked-on-delete' | 'revoked-on-shutdown' | 'renewed-until-max' | 'app-revokes' | 'no-lease';

/** How sure a fact is, in the facts file's words. */
export type Certainty = 'DERIVED' | 'VERIFIED-LOCAL' | 'UNVERIFIED';

/** Where a fact comes from: the facts-file key and a repository path at the pinned tag, or a doc URL. */
export interface SourceRef {
  /** Key of the facts file's source table (VSO, VH, VK8S, CT, VLT, CSID, VCP, REL, BVE, BVW, ESO, WWI, WWR) or `DOC`. */
  key: string;
  /** `owner/repo@tag path Lnn` or a URL. */
  ref: string;
}

/** One parameter of a strategy: its upstream name and default, in vaultctl units. */
export interface ParameterFact {
  /** Key in the strategy's parameter object. */
  name: string;
  /** The upstream setting it stands for (annotation, CRD field, chart value, env var). */
  upstream: string;
  /** The upstream default (ms for durations, percent for percents). */
  upstreamDefault: number | string | boolean;
  /** vaultctl's default when it differs from upstream, with why (e.g. the strategy *is* daemon mode). */
  vaultctlDefault?: { value: number | string | boolean; why: string };
  source: SourceRef;
  certainty: Certainty;
  /** What is not confirmed, when certainty is UNVERIFIED. */
  unverified?: string;
}

/** Everything known about one strategy, as data (the issue-11 matrix row plus the parameters). */
export interface StrategyFacts {
  name: StrategyName;
  /** The upstream tools it emulates, with versions. */
  emulates: string;
  /** When new credentials come, as a trigger and in words. */
  newCredentials: { trigger: CredentialTrigger; summary: string };
  /** The pickups this strategy allows; the first is its default. */
  pickups: readonly [Pickup, ...Pickup[]];
  /** What happens to a replaced lease (the first is the default behaviour). */
  oldLease: readonly [OldLease, ...OldLease[]];
  /** Each replica holds its own credentials (its own DB user) rather than one shared set. */
  perReplicaCredentials: boolean;
  /** Needs a Vault-speaking issuer (`credentials.issuer: vault`); refused otherwise. */
  needsVault: boolean;
  parameters: readonly ParameterFact[];
  sources: readonly SourceRef[];
  /** Facts the facts file marks UNVERIFIED that this strategy depends on (§10 numbers where given). */
  unverified: readonly string[];
}

/** A random number in [0, 1), injected so that jittered formulas stay pure and testable. */
export type Rand = () => number;

/** Kinds of event in a strategy's schedule. */
export type TimelineKind =
  /** New credentials (a new lease, or a new static password) are issued. */
  | 'issue'
  /** The current lease is renewed to its full duration. */
  | 'renew'
  /** A renewal came back capped by max TTL. */
  | 'renew-truncated'
  /** A poll or re-read that did not change the credentials. */
  | 'poll'
  /** Running replicas are told about / moved to the new credentials (by the strategy's pickup). */
  | 'pickup'
  /** The app gets SIGTERM (vault-env daemon), SIGKILL following after the strategy's kill delay. */
  | 'terminate'
  /** A lease reaches its end and Vault revokes it: the credentials die. */
  | 'lease-expires'
  /** A lease is revoked early on purpose. */
  | 'revoke'
  /** A static password is overwritten: the old one stops working for new logins. */
  | 'password-rotated';

/** One event of a schedule, at an absolute time in ms. `lease` numbers the credentials (0 = the first). */
export interface TimelineEvent {
  atMs: number;
  kind: TimelineKind;
  lease: number;
}

/** The lease as Vault issues it: when, its default TTL and its max TTL (ms). */
export interface LeaseClock {
  issuedAtMs: number;
  leaseMs: number;
  maxTtlMs: number;
}

/**
 * A strategy's timing rules as pure functions over ms. `nextCredentialsAt` answers "when does
 * the chain started by this lease get its next credentials" (null: never, absent a restart);
 * `schedule` lists the events of one credential chain from `issuedAtMs` up to `untilMs`.
 */
export interface StrategyTiming<P> {
  nextCredentialsAt(issuedAtMs: number, leaseMs: number, maxTtlMs: number, params: P, rand?: Rand): number | null;
  schedule(lease: LeaseClock, untilMs: number, params: P, rand?: Rand): TimelineEvent[];
}

/** A strategy as registered: its facts, its default parameters and its timing functions. */
export interface StrategyModule<P> extends StrategyTiming<P> {
  facts: StrategyFacts;
  defaults: Readonly<P>;
}

/** The time a lease ends if nobody renews it: Vault caps the first TTL at max TTL. */
export function unrenewedEnd(lease: LeaseClock): number {
  return lease.issuedAtMs + Math.min(lease.leaseMs, lease.maxTtlMs);
}

/** Deterministic stand-in for Math.random: 0, the no-jitter end of every jittered formula. */
export const NO_JITTER: Rand = () => 0;
