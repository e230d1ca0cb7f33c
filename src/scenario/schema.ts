import { z } from 'zod';
import { AGENT_PICKUPS, DELIVERY_STRATEGY_NAMES, STATIC_ROLE_CARRIERS } from './delivery-strategy.js';
import { DURATION_PATTERN } from './duration.js';

/** The only file format this version reads. */
export const SCENARIO_API_VERSION = 'vaultctl.dev/v1alpha1';
export const SCENARIO_KIND = 'Scenario';

/**
 * A duration as written in files (`500ms`, `10s`, `2m`, `1h`). A bare YAML `0` is accepted too,
 * because `preStop: 0` is what people write and it means the same as the string "0".
 */
export const durationSchema = z.union([z.string().regex(DURATION_PATTERN, { error: durationMessage }), z.literal(0)], {
  error: durationMessage,
});

function durationMessage(iss: { input?: unknown }): string {
  return typeof iss.input === 'number'
    ? `expected a duration with a unit, e.g. ${iss.input}ms or ${iss.input}s (only 0 may omit it)`
    : `expected a duration such as 500ms, 10s, 2m or 1h, got ${JSON.stringify(iss.input)}`;
}

const nonEmpty = z.string().min(1, { error: 'must not be empty' });
const stringList = z.array(nonEmpty);
const httpPath = z.string().startsWith('/', { error: 'must start with "/"' });

/** Vault's documented example statements for a PostgreSQL dynamic role. */
export const DEFAULT_CREATION_STATEMENTS = [
  `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
  `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`,
];
/** Ends the role's sessions first: Postgres refuses to drop a role that is still connected. */
export const DEFAULT_REVOCATION_STATEMENTS = [
  `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`,
  `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{name}}";`,
  `REVOKE USAGE ON SCHEMA public FROM "{{name}}";`,
  `DROP ROLE IF EXISTS "{{name}}";`,
];
export const DEFAULT_RENEW_STATEMENTS = [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`];

/** The table the demo app reads on every request (its `DEMO_TABLE` default, src/demo-app/server.ts). */
export const DEMO_TABLE = 'vaultctl_demo';
/**
 * `database.setup` when a scenario has none: the demo app's table with one row. It runs before any
 * role exists, so the default creation statements' `GRANT SELECT ON ALL TABLES` covers it, and a
 * revocation shows as `42501 permission denied` on the next request, as in a real app. Idempotent.
 */
export const DEFAULT_DATABASE_SETUP = [
  `CREATE TABLE IF NOT EXISTS ${DEMO_TABLE} (id int PRIMARY KEY, note text NOT NULL);`,
  `INSERT INTO ${DEMO_TABLE} (id, note) VALUES (1, 'read by the vaultctl demo app') ON CONFLICT (id) DO NOTHING;`,
];

const roleSchema = z.strictObject({
  name: nonEmpty.default('app'),
  creationStatements: stringList.min(1, { error: 'needs at least one statement' }).default(DEFAULT_CREATION_STATEMENTS),
  revocationStatements: stringList.default(DEFAULT_REVOCATION_STATEMENTS),
  renewStatements: stringList.default(DEFAULT_RENEW_STATEMENTS),
  defaultTtl: durationSchema.default('1h'),
  maxTtl: durationSchema.default('24h'),
});

const databaseSchema = z.strictObject({
  name: nonEmpty.default('app'),
  // A scenario's own setup replaces the default: it must create the demo app's table if it runs the demo app.
  setup: stringList.default(DEFAULT_DATABASE_SETUP),
  role: roleSchema.prefault({}),
});

const credentialsSchema = z.strictObject({
  issuer: z.enum(['direct', 'vault']).default('direct'),
  vault: z
    .strictObject({ mount: nonEmpty.default('database'), connection: nonEmpty.default('vaultctl-pg') })
    .prefault({}),
});

const deliverySchema = z.strictObject({
  refreshInterval: durationSchema.default('0'),
  reload: z.enum(['restart', 'signal', 'none']).default('restart'),
  via: z.enum(['env', 'file']).default('env'),
  // Absent: derived from reload (delivery-strategy.ts). Strategy parameters are optional; their defaults are upstream's.
  strategy: z.enum(DELIVERY_STRATEGY_NAMES).optional(),
  pickup: z.enum(AGENT_PICKUPS).optional(),
  renewEvery: durationSchema.optional(),
  renewIncrement: durationSchema.optional(),
  // vso (the CRD allows 0–90) and static-role parameters.
  renewalPercent: z.int().min(0).max(90).optional(),
  revoke: z.boolean().optional(),
  rotationPeriod: durationSchema.optional(),
  carrier: z.enum(STATIC_ROLE_CARRIERS).optional(),
  // csi and vault-env parameters (src/strategies/csi.ts, vault-env.ts).
  enableSecretRotation: z.boolean().optional(),
  rotationPollInterval: durationSchema.optional(),
  agentCache: z.boolean().optional(),
  killAfter: durationSchema.optional(),
  startSpread: durationSchema.optional(),
  // direct parameters (src/strategies/direct.ts).
  revokeOldLease: z.boolean().optional(),
  revokeAfter: durationSchema.optional(),
});

/** `200-299` or a single code; a YAML number like `200` is accepted as well. */
const statusSchema = z.union([z.int().min(100).max(599), z.string().regex(/^[1-5]\d\d(-[1-5]\d\d)?$/)], {
  error: 'expected an HTTP status code (200) or range ("200-299")',
});
const httpMethod = z.string().regex(/^[A-Z]+$/, { error: 'expected an upper-case HTTP method such as GET' });

/**
 * The fields of a Kubernetes probe (core/v1 Probe): one handler and its timing. A function, not a
 * shared object, so each probe gets its own schema nodes (and its own descriptions in the JSON Schema).
 * Defaults are the kubelet's, except `period` (each probe sets its own, see below).
 */
function probeFields() {
  return {
    httpGet: z
      .strictObject({
        path: httpPath.default('/'),
        method: httpMethod.default('GET'),
        headers: z.record(z.string(), z.string()).default({}),
        body: z.string().optional(),
        // The kubelet counts 200-399 as success (pkg/probe/http/http.go).
        status: statusSchema.default('200-399'),
        bodyIncludes: z.string().optional(),
        bodyExcludes: z.string().optional(),
      })
      .optional(),
    tcpSocket: z.strictObject({}).optional(),
    exec: z.strictObject({ command: z.array(nonEmpty).min(1, { error: 'needs the program and its arguments' }) }).optional(),
    initialDelay: durationSchema.default('0'),
    timeout: durationSchema.default('1s'),
    successThreshold: z.int().min(1).default(1),
    failureThreshold: z.int().min(1).default(3),
  };
}

const workloadSchema = z.strictObject({
  replicas: z.int().min(1).default(3),
  maxSurge: z.int().min(0).default(1),
  maxUnavailable: z.int().min(0).default(0),
  gracefulDrain: z.boolean().default(true),
  terminationGracePeriod: durationSchema.default('30s'),
  preStop: durationSchema.default('0'),
  endpointPropagation: durationSchema.default('0'),
  readiness: z
    .strictObject({
      // Shorthand for httpGet with GET (the first format); normalize.ts defaults it to /ready.
      path: httpPath.optional(),
      ...probeFields(),
      // Shorter than the kubelet's 10s: a run lasts minutes and start-up time is what it measures.
      period: durationSchema.default('200ms'),
      startupTimeout: durationSchema.default('30s'),
    })
    .prefault({}),
  liveness: z.strictObject({ ...probeFields(), period: durationSchema.default('10s') }).optional(),
  // CrashLoopBackOff: 10s doubling to 5m (Kubernetes docs, Pod lifecycle "Container restarts").
  restartBackoff: z
    .strictObject({ initial: durationSchema.default('10s'), max: durationSchema.default('5m') })
    .prefault({}),
  // A Deployment's progressDeadlineSeconds defaults to 600.
  progressDeadline: durationSchema.default('600s'),
  pool: z
    .strictObject({
      max: z.int().min(1).default(10),
      maxLifetime: durationSchema.default('0'),
      idleTimeout: durationSchema.default('10s'),
    })
    .prefault({}),
  querySleep: durationSchema.default('0'),
  /** How long one replica takes from start to ready; `doctor` uses it instead of its built-in guess. */
  expectedStartup: durationSchema.optional(),
  servicePort: z.int().min(0).max(65535).default(0),
  service: z
    .strictObject({
      mode: z.enum(['kube-proxy', 'l7']).default('kube-proxy'),
    })
    .prefault({}),
  command: z.array(nonEmpty).min(1, { error: 'needs the program and its arguments' }).optional(),
  env: z.record(z.string(), z.string()).optional(),
});


const loadSchema = z.strictObject({
  rate: z
    .union([z.number().positive({ error: 'must be a positive number of requests/s (or "max")' }), z.literal('max')],
      { error: 'expected a positive number of requests/s or "max"' })
    .default(100),
  connections: z.int().min(1).default(10),
  /** Open model: most requests in flight at once; default rate × timeout (capped, see normalize.ts). */
  maxInFlight: z.int().min(1, { error: 'must be at least 1' }).optional(),
  keepAlive: z.boolean().default(true),
  /** Load worker processes (issue 13): `0` sends from the vaultctl process itself; `auto` (default) by the cores. */
  workers: z.union([z.int().min(0, { error: 'must be 0 or more' }).max(64, { error: 'must be at most 64' }), z.literal('auto')],
    { error: 'expected a number of workers (0-64) or "auto"' }).default('auto'),
  duration: durationSchema,
  warmUp: durationSchema.default('0'),
  timeout: durationSchema.default('5s'),
  request: z
    .strictObject({
      method: httpMethod.default('GET'),
      path: httpPath.default('/'),
      headers: z.record(z.string(), z.string()).default({}),
      body: z.string().optional(),
    })
    .prefault({}),
  success: z
    .strictObject({
      status: statusSchema.default('200-299'),
      bodyIncludes: z.string().optional(),
      bodyExcludes: z.string().optional(),
    })
    .prefault({}),
});

const thresholdItemSchema = z.union(
  [nonEmpty, z.strictObject({ threshold: nonEmpty, abortOnFail: z.boolean().optional() })],
  { error: 'expected an expression such as "rollout.failure_rate < 0.1%" or {threshold, abortOnFail}' },
);

/** The `vaultctl.dev/v1alpha1` Scenario file, strict at every depth. Defaults are applied on parse. */
export const scenarioFileSchema = z.strictObject({
  apiVersion: z.literal(SCENARIO_API_VERSION),
  kind: z.literal(SCENARIO_KIND),
  metadata: z.strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {
      error: 'expected lower-case letters, digits and dashes, starting with a letter or digit',
    }),
    description: z.string().optional(),
  }),
  target: z.enum(['local', 'kubernetes']).default('local'),
  database: databaseSchema.prefault({}),
  credentials: credentialsSchema.prefault({}),
  delivery: deliverySchema.prefault({}),
  /**
   * Each strategy's own delivery settings, merged over `delivery` when the scenario runs with that
   * strategy (`delivery.strategy`, or `rotate-test --strategy`; src/scenario/strategy-variant.ts).
   */
  strategies: z.partialRecord(z.enum(DELIVERY_STRATEGY_NAMES), deliverySchema.omit({ strategy: true }).partial()).optional(),
  workload: workloadSchema.prefault({}),
  load: loadSchema,
  rotations: z
    .strictObject({
      at: z.array(durationSchema).optional(),
      revoke: z.array(durationSchema).optional(),
      /** kubernetes target only: Vault rotates the database connection's root password at these offsets. */
      rotateRoot: z.array(durationSchema).optional(),
    })
    .prefault({}),
  analysis: z
    .strictObject({ settle: durationSchema.default('2s'), lead: durationSchema.default('250ms'), bin: durationSchema.default('10ms') })
    .prefault({}),
  thresholds: z.array(thresholdItemSchema).optional(),
});

/** A parsed file with defaults applied (durations still as written). */
export type ScenarioFile = z.output<typeof scenarioFileSchema>;
/** A duration as it may appear in a file. */
export type FileDuration = z.output<typeof durationSchema>;
