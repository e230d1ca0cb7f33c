import { agentPickupOf } from './delivery-strategy.js';
import { parseDuration } from './duration.js';
import type { Scenario } from './model.js';
import type { FileDuration, ScenarioFile } from './schema.js';
import { livenessSpec, readinessSpec } from './normalize-probes.js';
import { parseThreshold } from './thresholds.js';

/**
 * Converts a schema-valid `v1alpha1` file (defaults already applied by the schema) into the
 * internal model: durations in ms, status range split, thresholds parsed, optional lists filled.
 * The loader has checked thresholds and cross-key rules before this runs.
 */
/**
 * Default in-flight cap: one timeout's worth of schedule (rate × timeout) with a quarter of headroom
 * for timer slack, so a workload that hangs still gets its whole schedule until requests time out —
 * capped, because each request in flight holds sockets in vaultctl's process (the client's, and the
 * Service proxy's two).
 */
export const DEFAULT_MAX_IN_FLIGHT_CAP = 4000;

function defaultMaxInFlight(rate: number | 'max', timeoutMs: number, connections: number): number {
  if (rate === 'max') return connections;
  return Math.max(connections, Math.min(DEFAULT_MAX_IN_FLIGHT_CAP, Math.ceil((1.25 * rate * timeoutMs) / 1000)));
}

export function normalizeScenario(file: ScenarioFile, source: string): Scenario {
  const { database: db, workload: w, load, rotations } = file;
  const scenario: Scenario = {
    name: file.metadata.name,
    source,
    target: file.target,
    database: {
      name: db.name,
      setup: [...db.setup],
      role: {
        name: db.role.name,
        creationStatements: db.role.creationStatements,
        revocationStatements: db.role.revocationStatements,
        renewStatements: db.role.renewStatements,
        defaultTtlMs: ms(db.role.defaultTtl),
        maxTtlMs: ms(db.role.maxTtl),
      },
    },
    credentials: { issuer: file.credentials.issuer, vault: { ...file.credentials.vault } },
    delivery: {
      refreshIntervalMs: ms(file.delivery.refreshInterval),
      reload: file.delivery.reload,
      via: file.delivery.via,
    },
    workload: {
      replicas: w.replicas,
      maxSurge: w.maxSurge,
      maxUnavailable: w.maxUnavailable,
      gracefulDrain: w.gracefulDrain,
      terminationGracePeriodMs: ms(w.terminationGracePeriod),
      preStopMs: ms(w.preStop),
      endpointPropagationMs: ms(w.endpointPropagation),
      readiness: readinessSpec(w.readiness),
      restartBackoff: { initialMs: ms(w.restartBackoff.initial), maxMs: ms(w.restartBackoff.max) },
      progressDeadlineMs: ms(w.progressDeadline),
      pool: { max: w.pool.max, maxLifetimeMs: ms(w.pool.maxLifetime), idleTimeoutMs: ms(w.pool.idleTimeout) },
      querySleepMs: ms(w.querySleep),
      ...(w.expectedStartup !== undefined ? { expectedStartupMs: ms(w.expectedStartup) } : {}),
      servicePort: w.servicePort,
      serviceMode: w.service.mode,
      env: { ...(w.env ?? {}) },
    },
    load: {
      rate: load.rate,
      connections: load.connections,
      maxInFlight: load.maxInFlight ?? defaultMaxInFlight(load.rate, ms(load.timeout), load.connections),
      keepAlive: load.keepAlive,
      workers: load.workers,
      durationMs: ms(load.duration),
      warmUpMs: ms(load.warmUp),
      timeoutMs: ms(load.timeout),
      request: { method: load.request.method, path: load.request.path, headers: { ...load.request.headers } },
      success: { ...statusRange(load.success.status) },
    },
    rotations: {
      atMs: (rotations.at ?? []).map(ms),
      revokeAtMs: (rotations.revoke ?? []).map(ms),
      rotateRootAtMs: (rotations.rotateRoot ?? []).map(ms),
    },
    analysis: { settleMs: ms(file.analysis.settle), leadMs: ms(file.analysis.lead), binMs: ms(file.analysis.bin) },
    thresholds: (file.thresholds ?? []).map((t) =>
      typeof t === 'string' ? parseThreshold(t) : parseThreshold(t.threshold, t.abortOnFail ?? false),
    ),
  };
  // Optional keys are set only when present, so the model has no `key: undefined` entries.
  if (file.metadata.description !== undefined) scenario.description = file.metadata.description;
  if (w.command) scenario.workload.command = [...w.command];
  if (w.liveness) scenario.workload.liveness = livenessSpec(w.liveness);
  if (load.request.body !== undefined) scenario.load.request.body = load.request.body;
  if (load.success.bodyIncludes !== undefined) scenario.load.success.bodyIncludes = load.success.bodyIncludes;
  if (load.success.bodyExcludes !== undefined) scenario.load.success.bodyExcludes = load.success.bodyExcludes;
  const d = file.delivery;
  if (d.strategy !== undefined) scenario.delivery.strategy = d.strategy;
  if (d.pickup !== undefined) scenario.delivery.pickup = d.pickup;
  if (d.renewEvery !== undefined) scenario.delivery.renewEveryMs = ms(d.renewEvery);
  if (d.renewIncrement !== undefined) scenario.delivery.renewIncrementMs = ms(d.renewIncrement);
  if (d.renewalPercent !== undefined) scenario.delivery.renewalPercent = d.renewalPercent;
  if (d.revoke !== undefined) scenario.delivery.revoke = d.revoke;
  if (d.rotationPeriod !== undefined) scenario.delivery.rotationPeriodMs = ms(d.rotationPeriod);
  if (d.carrier !== undefined) scenario.delivery.carrier = d.carrier;
  if (d.enableSecretRotation !== undefined) scenario.delivery.enableSecretRotation = d.enableSecretRotation;
  if (d.rotationPollInterval !== undefined) scenario.delivery.rotationPollIntervalMs = ms(d.rotationPollInterval);
  if (d.agentCache !== undefined) scenario.delivery.agentCache = d.agentCache;
  if (d.killAfter !== undefined) scenario.delivery.killAfterMs = ms(d.killAfter);
  if (d.startSpread !== undefined) scenario.delivery.startSpreadMs = ms(d.startSpread);
  if (d.revokeOldLease !== undefined) scenario.delivery.revokeOldLease = d.revokeOldLease;
  if (d.revokeAfter !== undefined) scenario.delivery.revokeAfterMs = ms(d.revokeAfter);
  // Today's knob, mapped: what running replicas do when credentials change.
  if (d.strategy === 'agent-template') scenario.delivery.reload = agentPickupOf(d) === 'restart' ? 'restart' : 'signal';
  if (d.strategy === 'init-renewer') scenario.delivery.reload = 'none';
  if (d.strategy === 'static-role') scenario.delivery.reload = d.carrier === 'agent-template' ? 'signal' : 'restart';
  return scenario;
}

function ms(d: FileDuration): number {
  return d === 0 ? 0 : parseDuration(d);
}

function statusRange(status: number | string): { statusMin: number; statusMax: number } {
  if (typeof status === 'number') return { statusMin: status, statusMax: status };
  const [lo, hi = lo] = status.split('-').map(Number);
  return { statusMin: lo, statusMax: hi };
}
