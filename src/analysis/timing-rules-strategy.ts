import { formatDuration as d } from '../scenario/duration.js';
import { deliveryStrategyOf } from '../scenario/delivery-strategy.js';
import type { Scenario } from '../scenario/model.js';
import { strategy, type LeaseClock } from '../strategies/index.js';
import { NO_JITTER } from '../strategies/strategy.js';
import { overlaps } from '../strategies/timing.js';
import { carrierPicksUpAt } from '../strategies/static-role.js';
import { estimateRollout, VAULT_SYSTEM_MAX_TTL_MS } from './timing-estimate.js';
import type { RuleEnv, TimingRisk } from './timing-types.js';

/*
 * Each delivery strategy's own timing rules (issue 11; facts: ../shared/reference/delivery-strategies.md).
 * The times come from the strategies' timing functions (src/strategies), at their no-jitter end,
 * which is the late end of every jittered formula: the worst case a rule should warn about.
 */

/** The scenario's role lease as the timing functions take it, issued at 0. */
function leaseOf(s: Scenario): LeaseClock {
  const { defaultTtlMs, maxTtlMs } = s.database.role;
  return { issuedAtMs: 0, leaseMs: defaultTtlMs > 0 ? defaultTtlMs : VAULT_SYSTEM_MAX_TTL_MS,
    maxTtlMs: maxTtlMs > 0 ? maxTtlMs : VAULT_SYSTEM_MAX_TTL_MS };
}

/** How long the run keeps its replicas: warm-up plus the measured load. */
const runMs = (s: Scenario) => s.load.warmUpMs + s.load.durationMs;

/**
 * vso-overlap-short — VSO gets new credentials only when a renewal comes back capped by max TTL,
 * and leaves the old lease to die at max TTL (facts file §1 "Renewal and truncation"): the rollout
 * onto the new credentials has that overlap (≈0.23–1 × default TTL, §10.6) to finish. Danger when
 * the overlap is shorter than the rollout estimate.
 */
export function vsoOverlapShort(s: Scenario): TimingRisk[] {
  if (deliveryStrategyOf(s.delivery) !== 'vso') return [];
  // VSO's pickup is a rolling restart (rolloutRestartTargets), whatever `reload` says.
  const rollout = estimateRollout({ ...s, delivery: { ...s.delivery, reload: 'restart' } });
  const m = strategy('vso');
  const lease = leaseOf(s);
  const params = { ...m.defaults, ...(s.delivery.renewalPercent !== undefined ? { renewalPercent: s.delivery.renewalPercent } : {}) };
  const first = overlaps(m.schedule(lease, 3 * lease.maxTtlMs, params, NO_JITTER))[0];
  if (!first || first.overlapMs >= rollout.ms) return [];
  return [{
    id: 'vso-overlap-short', severity: 'danger', path: 'database.role.maxTtl',
    message: `VSO gets new credentials when a renewal is capped by max TTL, ${d(first.overlapMs)} before the old lease dies; ` +
      `the rollout onto them takes ~${d(rollout.ms)}: replicas not yet replaced lose their credentials (28P01)`,
    fix: 'lower delivery.renewalPercent (VSO renews earlier, so the capped renewal leaves more time), or make database.role.defaultTtl ' +
      `a larger share of maxTtl so that the overlap exceeds the ~${d(rollout.ms)} rollout`,
  }];
}

/**
 * renewer-max-ttl — init-renewer fetches credentials once: at max TTL they die and new logins fail
 * until the pods restart (facts file §6). Danger when max TTL ends inside the run.
 */
export function renewerMaxTtl(s: Scenario): TimingRisk[] {
  if (deliveryStrategyOf(s.delivery) !== 'init-renewer') return [];
  const lease = leaseOf(s);
  if (lease.maxTtlMs >= runMs(s)) return [];
  return [{
    id: 'renewer-max-ttl', severity: 'danger', path: 'database.role.maxTtl',
    message: `the renewer renews the one lease until max TTL ${d(lease.maxTtlMs)}, shorter than the run (${d(runMs(s))}); ` +
      'then the credentials die and every new login fails (28P01) until the replicas restart',
    fix: 'raise database.role.maxTtl above the pods\' lifetime, or use a strategy that fetches new credentials (agent-template, vso)',
  }];
}

/** Programs whose default action on SIGHUP is to exit instead of passing it on. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);

/**
 * signal-to-shell — agent-template's `signal` pickup sends SIGHUP to the app's process
 * (agent-inject-command, e.g. `pkill -HUP node`, facts file §2 "Signalling the app"). A shell
 * wrapping the app gets it and exits (its default action), and its children are not told.
 */
export function signalToShell(s: Scenario): TimingRisk[] {
  if (deliveryStrategyOf(s.delivery) !== 'agent-template' || s.delivery.pickup !== 'signal') return [];
  const program = s.workload.command?.[0]?.split('/').pop();
  if (!program || !SHELLS.has(program)) return [];
  return [{
    id: 'signal-to-shell', severity: 'danger', path: 'workload.command',
    message: `the workload runs under ${program}, which exits on SIGHUP instead of passing it to the app: every re-rendered file ` +
      'restarts the replica (and with several processes, only the signalled one reloads)',
    fix: `start the app itself (exec it: "${program} -c 'exec node app.js'"), or use delivery.pickup: reread (the app watches its file)`,
  }];
}

/**
 * static-pickup-gap — a static role's password changes in place at each rotation_period; new
 * logins with the old one fail (28P01) until the carrier delivers the new one (facts file §8,
 * §0.1). Danger when ESO's refresh is not shorter than the rotation period (the app may never
 * hold a current password); a warning naming the gap otherwise.
 */
export function staticPickupGap(s: Scenario): TimingRisk[] {
  if (deliveryStrategyOf(s.delivery) !== 'static-role') return [];
  const m = strategy('static-role');
  const params = {
    ...m.defaults,
    ...(s.delivery.rotationPeriodMs !== undefined ? { rotationPeriodMs: s.delivery.rotationPeriodMs } : {}),
    ...(s.delivery.carrier !== undefined ? { carrier: s.delivery.carrier } : {}),
    ...(s.delivery.refreshIntervalMs > 0 ? { refreshIntervalMs: s.delivery.refreshIntervalMs } : {}),
  };
  // ESO's worst case: a rotation just after a refresh waits a whole interval.
  const gap = params.carrier === 'secret-sync-restart' ? params.refreshIntervalMs : carrierPicksUpAt(0, params);
  const path = params.carrier === 'secret-sync-restart' ? 'delivery.refreshInterval' : 'delivery.carrier';
  if (params.carrier === 'secret-sync-restart' && params.refreshIntervalMs >= params.rotationPeriodMs) {
    return [{
      id: 'static-pickup-gap', severity: 'danger', path,
      message: `ESO refreshes every ${d(params.refreshIntervalMs)}, not faster than the password rotates (${d(params.rotationPeriodMs)}): ` +
        'the app can hold a dead password for most of each period, and its new logins fail (28P01)',
      fix: `set delivery.refreshInterval well below ${d(params.rotationPeriodMs)}, or carrier: vso / agent-template (they re-read at the rotation)`,
    }];
  }
  return [{
    id: 'static-pickup-gap', severity: 'warning', path,
    message: `each rotation (every ${d(params.rotationPeriodMs)}) kills the old password for new logins at once; ` +
      `the ${params.carrier} carrier delivers the new one up to ${d(gap)} later: connections opened in between fail (28P01)`,
    fix: 'keep connections open across rotations (open sessions survive), or pick the carrier with the shortest gap (vso)',
  }];
}

/**
 * vault-env-restart-together — vault-env's daemon SIGTERMs the app when its lease can no longer
 * be renewed (near max TTL) and the container restarts in place, without surge (facts file §5):
 * replicas started together restart together. Danger unless their starts are spread.
 */
export function vaultEnvRestartTogether(s: Scenario, env: RuleEnv): TimingRisk[] {
  if (deliveryStrategyOf(s.delivery) !== 'vault-env') return [];
  const spread = s.delivery.startSpreadMs ?? 0;
  const replicas = s.workload.replicas;
  // Each replica is down from SIGTERM until its restart is ready: about one start-up.
  const downMs = env.rollout.startupMs;
  if (replicas > 1 && spread / (replicas - 1) >= 2 * downMs) return [];
  return [{
    id: 'vault-env-restart-together', severity: 'danger', path: replicas > 1 ? 'delivery.startSpread' : 'workload.replicas',
    message: replicas > 1
      ? `vault-env restarts each replica in place at its own lease's max TTL; replicas started ${spread ? `${d(spread)} apart at most` : 'together'} ` +
        'restart (nearly) together: no replica serves while they start again'
      : 'vault-env restarts the replica in place when its lease reaches max TTL: with one replica, every such restart is an outage',
    fix: `spread the replicas' starts (delivery.startSpread of at least ${d(Math.ceil(2 * downMs * Math.max(1, replicas - 1) / 1000) * 1000)}), ` +
      'or raise database.role.maxTtl beyond the pods\' lifetime',
  }];
}

/**
 * csi-credentials-die — the CSI provider fetches at mount; without secret rotation nothing fetches
 * again, and the credentials die at their TTL (at max TTL when the agent cache renews them; facts
 * file §3, §0.2). With rotation and the agent cache, new credentials come only at the first poll
 * after the agent gives the lease up (UNVERIFIED, facts file §10.2), which may be after it died.
 * (csi needs `via: file`: the validator refuses env.)
 */
export function csiCredentialsDie(s: Scenario): TimingRisk[] {
  if (deliveryStrategyOf(s.delivery) !== 'csi') return [];
  const lease = leaseOf(s);
  const m = strategy('csi');
  const params = {
    ...m.defaults,
    rotationEnabled: s.delivery.enableSecretRotation ?? m.defaults.rotationEnabled,
    rotationPollIntervalMs: s.delivery.rotationPollIntervalMs ?? m.defaults.rotationPollIntervalMs,
    agentCache: s.delivery.agentCache ?? m.defaults.agentCache,
  };
  if (params.rotationEnabled) {
    // Far enough for the first replacement even when polls are rare.
    const horizon = 3 * lease.maxTtlMs + 2 * params.rotationPollIntervalMs;
    const gap = overlaps(m.schedule(lease, horizon, params, NO_JITTER)).find((o) => o.overlapMs < 0);
    if (!gap) return [];
    return [{
      id: 'csi-credentials-die', severity: 'danger', path: 'delivery.rotationPollInterval',
      message: `with the agent cache, new credentials come at the first poll after the cached lease is given up: ` +
        `the old ones are dead for ${d(-gap.overlapMs)} before it (facts file §10.2: UNVERIFIED upstream)`,
      fix: 'poll more often than the time the agent leaves before max TTL, or set delivery.agentCache: false (a new lease per poll)',
    }];
  }
  const life = params.agentCache ? lease.maxTtlMs : Math.min(lease.leaseMs, lease.maxTtlMs);
  if (life >= runMs(s)) return [];
  return [{
    id: 'csi-credentials-die', severity: 'danger', path: 'delivery.enableSecretRotation',
    message: `each pod's credentials are fetched once, at mount, and die after ${d(life)} (inside the ${d(runMs(s))} run): ` +
      'new logins fail (28P01) until the pod restarts',
    fix: 'set delivery.enableSecretRotation: true (with a rotationPollInterval well inside the TTL), or raise database.role.maxTtl',
  }];
}

/** Every strategy rule, in report order. */
export const STRATEGY_RULES = [vsoOverlapShort, renewerMaxTtl, signalToShell, staticPickupGap, vaultEnvRestartTogether, csiCredentialsDie];
