import type { LeaseClock, Rand, StrategyFacts, StrategyModule, TimelineEvent } from './strategy.js';
import { unrenewedEnd } from './strategy.js';
import { chainSchedule } from './timing.js';

/** Init container + lease renewer sidecar (seed 001), as WealthWizards' kube-vault-auth-{init,renewer}. */
export interface InitRenewerParams {
  /** Renewer `RENEW_INTERVAL` in ms: it checks, then sleeps this long. */
  renewIntervalMs: number;
  /** Increment asked for on `sys/leases/renew` (ms). */
  incrementMs: number;
}

/** Upstream defaults: RENEW_INTERVAL 21600 s; increment 3600 s as the facts file's API table gives it. */
export const INIT_RENEWER_DEFAULTS: Readonly<InitRenewerParams> = { renewIntervalMs: 21_600_000, incrementMs: 3_600_000 };

const WWR = 'WealthWizardsEngineering/kube-vault-auth-renewer@4c1e1dd src/renew-token.sh';

/** Facts file §6 (Init container + lease renewer). */
export const INIT_RENEWER_FACTS: StrategyFacts = {
  name: 'init-renewer',
  emulates: 'WealthWizards kube-vault-auth-init (37a004e) + kube-vault-auth-renewer (4c1e1dd), unmaintained since 2019: emulated',
  newCredentials: { trigger: 'pod-start', summary: 'once, at pod start (env file sourced by the app); the renewer never fetches new credentials' },
  pickups: ['env-at-start'],
  oldLease: ['renewed-until-max'],
  perReplicaCredentials: true,
  needsVault: false,
  parameters: [
    { name: 'renewIntervalMs', upstream: 'renewer env RENEW_INTERVAL (seconds)', upstreamDefault: 21_600_000,
      source: { key: 'WWR', ref: WWR }, certainty: 'DERIVED' },
    { name: 'incrementMs', upstream: 'PUT /v1/sys/leases/renew {"increment"}', upstreamDefault: 3_600_000,
      source: { key: 'WWR', ref: `${WWR}; facts file §6 "API calls to emulate it"` },
      certainty: 'UNVERIFIED', unverified: 'the increment the script sends; the images are UNVERIFIED and emulated (facts file §6, §9)' },
  ],
  sources: [
    { key: 'WWI', ref: 'WealthWizardsEngineering/kube-vault-auth-init@37a004e src/init-token.sh (writes /env/variables once)' },
    { key: 'WWR', ref: `${WWR} (renews leases with TTL < 2·interval; any warning → exit 1)` },
    { key: 'DOC', ref: 'hashicorp/vault website/content/api-docs/system/leases.mdx' },
  ],
  unverified: ['quay.io/wealthwizards/kube-vault-auth-{init,renewer}:latest images (facts file §9): the behaviour is emulated'],
};

/**
 * The renewer over one lease: a run at pod start and every RENEW_INTERVAL; each run renews the
 * lease if its TTL < 2·interval, to min(increment, time left to max TTL). A capped answer carries
 * a warning and the renewer exits (1): nothing renews after it. Source: [WWR] src/renew-token.sh
 * (check, then sleep RENEW_INTERVAL); facts file §6 "renewer".
 */
function leaseRun(clock: LeaseClock, params: InitRenewerParams) {
  if (!(params.renewIntervalMs > 0)) throw new RangeError('init-renewer: renewIntervalMs must be > 0');
  const maxEnd = clock.issuedAtMs + clock.maxTtlMs;
  const events: { atMs: number; kind: 'renew' | 'renew-truncated' }[] = [];
  let end = unrenewedEnd(clock);
  for (let t = clock.issuedAtMs; t < end; t += params.renewIntervalMs) {
    if (end - t >= 2 * params.renewIntervalMs) continue;
    const granted = Math.min(params.incrementMs, maxEnd - t);
    end = Math.max(end, t + granted);
    if (granted < params.incrementMs) {
      events.push({ atMs: t, kind: 'renew-truncated' });
      break;
    }
    events.push({ atMs: t, kind: 'renew' });
  }
  return { events, diesAtMs: end };
}

/**
 * When the credentials die: at max TTL if the renewer keeps up (interval shorter than the
 * increment), earlier if a run comes after the lease ended (e.g. the default 6 h interval with a
 * 1 h lease: dead at 1 h). Then new logins fail (28P01) until a restart. Source: as leaseRun.
 */
export function credentialsDieAt(issuedAtMs: number, leaseMs: number, maxTtlMs: number, params: InitRenewerParams): number {
  return leaseRun({ issuedAtMs, leaseMs, maxTtlMs }, params).diesAtMs;
}

/** Never: only a pod restart brings new credentials. Source: facts file §6 ("Never fetches new creds"). */
export function nextCredentialsAt(_issuedAtMs: number, _leaseMs: number, _maxTtlMs: number, _params: InitRenewerParams, _rand?: Rand): null {
  return null;
}

/** One pod: the lease, its renewals and its death. */
export function schedule(lease: LeaseClock, untilMs: number, params: InitRenewerParams): TimelineEvent[] {
  return chainSchedule(lease, untilMs, (clock) => {
    const run = leaseRun(clock, params);
    return { events: [...run.events, { atMs: run.diesAtMs, kind: 'lease-expires' }], next: null };
  });
}

/** The strategy as registered in the table. */
export const initRenewer: StrategyModule<InitRenewerParams> = {
  facts: INIT_RENEWER_FACTS, defaults: INIT_RENEWER_DEFAULTS, nextCredentialsAt, schedule,
};
