/** Key path → description (syntax: see descriptions.ts). */
type DescriptionTable = Readonly<Record<string, string>>;

/**
 * Editor help for `workload` (path syntax in descriptions.ts). The local target imitates a
 * Deployment, the kubelet and a Service (README "The local target"), so each local-only knob names
 * the Kubernetes setting it stands for. On the kubernetes target only the Deployment's shape is
 * applied; the pod template comes from vaultctl.yaml `app:` (kubernetes-target.ts notes()).
 */
export const WORKLOAD_DESCRIPTIONS: DescriptionTable = {
  workload:
    'The application under test and how it is rolled, modelled on a Deployment. On Kubernetes only `replicas`, ' +
    '`maxSurge` and `maxUnavailable` apply (set on the lab\'s Deployment for the run); the pod template comes from ' +
    'vaultctl.yaml `app:`.',
  'workload.replicas':
    'Replicas serving behind the Service. Default 3, at most 50. Both targets (on Kubernetes the Deployment\'s ' +
    '`spec.replicas` for the run).',
  'workload.maxSurge':
    'Replicas a rollout may start above `replicas`, as a Deployment\'s `maxSurge` (a count). Default 1; it and ' +
    '`maxUnavailable` cannot both be 0. Both targets.',
  'workload.maxUnavailable':
    'Replicas a rollout may take out of service below `replicas`, as a Deployment\'s `maxUnavailable` (a count). ' +
    'Default 0. Both targets.',
  'workload.gracefulDrain':
    'Demo app (`GRACEFUL_DRAIN`): on SIGTERM stop accepting, answer requests still arriving on kept-alive connections ' +
    'with `Connection: close` and close idle ones `DRAIN_IDLE_CLOSE_MS` later (1000 by default); `false` dies at once. ' +
    'Default `true`; local target. With a `command` of your own it only tells `vaultctl doctor` whether your app drains.',
  'workload.terminationGracePeriod':
    'Time from the start of a replica\'s termination (its `preStop` included) until SIGKILL, as a pod\'s ' +
    '`terminationGracePeriodSeconds`; a duration, default `30s`. Local target; on Kubernetes vaultctl.yaml ' +
    '`app.terminationGracePeriod`.',
  'workload.preStop':
    'Sleep before SIGTERM when a replica terminates, as a `preStop` sleep hook; it counts against ' +
    '`terminationGracePeriod`. Default `0`; longer than `endpointPropagation` keeps new connections off a replica about ' +
    'to stop. Local target; on Kubernetes vaultctl.yaml `app.preStop`.',
  'workload.endpointPropagation':
    'How long the Service proxy keeps routing to a terminating replica, standing in for the delay before kube-proxy ' +
    'and ingresses drop a terminating pod\'s endpoint. Default `0`. Local target; on Kubernetes that delay is the ' +
    'cluster\'s own.',
  'workload.readiness':
    'When a replica counts as ready, as a readiness probe: one handler (`httpGet`, `tcpSocket` or `exec`; none = ' +
    '`GET /ready`) and its timing. A ready replica is in the Service; `failureThreshold` failures in a row take it ' +
    'out, `successThreshold` successes put it back. Local target; on Kubernetes the lab\'s pod template has its own probe.',
  'workload.readiness.path':
    'Shorthand for `httpGet: {path}` with `GET`, from before probes had handlers; not together with a handler. ' +
    'Default `/ready` (the demo app answers 200 once its database connection works and it is not draining).',
  'workload.readiness.period': 'Time between probes, a duration longer than 0. Default `200ms` (the kubelet\'s `periodSeconds` is 10s; a run lasts minutes).',
  'workload.readiness.startupTimeout':
    'How long a started replica may take to become ready before that start counts as failed (it is killed and ' +
    'restarted with back-off); a duration longer than 0, default `30s`. On Kubernetes it only bounds how long ' +
    'vaultctl waits for rollouts still running when the load ends.',
  ...probeDescriptions('workload.readiness', 'ready'),
  'workload.liveness':
    'Optional liveness probe, same shape as `readiness` (one handler required): `failureThreshold` failures in a row ' +
    'and the replica is stopped (SIGTERM, SIGKILL after `terminationGracePeriod`) and restarted with back-off, as the ' +
    'kubelet does. Local target.',
  'workload.liveness.period': 'Time between probes, a duration longer than 0. Default `10s`, like `periodSeconds`.',
  ...probeDescriptions('workload.liveness', 'alive'),
  'workload.restartBackoff':
    'Delay before a replica that exited (at start or later) is started again, as the kubelet\'s CrashLoopBackOff: ' +
    'the first restart at once, then `initial`, doubling up to `max`; reset once a replica has run for `2 × max`. Local target.',
  'workload.restartBackoff.initial': 'First back-off delay; a duration longer than 0, default `10s` (the kubelet\'s).',
  'workload.restartBackoff.max': 'Longest back-off delay; default `5m` (the kubelet\'s cap).',
  'workload.progressDeadline':
    'A rollout with no progress (no new replica ready) for this long is abandoned: its unready replicas are stopped, ' +
    'the old ones keep serving and the rotation is reported as failed, naming the deadline. Default `600s`, like a ' +
    'Deployment\'s `progressDeadlineSeconds`. Local target.',
  'workload.pool':
    'The demo app\'s Postgres connection pool. Local target; ignored by a `command` of your own.',
  'workload.pool.max': 'Most connections in the pool (`POOL_MAX`). Default 10.',
  'workload.pool.maxLifetime':
    'Connections older than this are closed and replaced, as HikariCP\'s `maxLifetime` (`POOL_MAX_LIFETIME_S`, rounded ' +
    'up to whole seconds). Default `0` = no limit.',
  'workload.pool.idleTimeout': 'Connections idle this long are closed (`POOL_IDLE_TIMEOUT_MS`). Default `10s`.',
  'workload.querySleep':
    'Demo app (`QUERY_SLEEP_MS`): `pg_sleep` this long inside every request\'s query, so requests take time and are ' +
    'in flight when replicas stop. Default `0`. Local target; on Kubernetes vaultctl.yaml `app.querySleep`.',
  // The built-in guesses are STARTUP_ESTIMATE_MS in src/analysis/timing-estimate.ts.
  'workload.expectedStartup':
    'How long one replica of your app takes from start to ready, e.g. as a run measured it. When set, ' +
    '`vaultctl doctor` and the timing checks before a run estimate rollouts with it instead of assuming 1s (local) or ' +
    '5s (Kubernetes). Optional; a duration such as `3s`.',
  'workload.servicePort':
    'Port on 127.0.0.1 of the proxy that stands in for the Service; `0` (default) picks a free one. Local target; on ' +
    'Kubernetes the load goes to the lab\'s NodePort (vaultctl.yaml `appHostPort`, 8080).',
  'workload.service': 'How the local Service proxy routes requests to ready replicas.',
  'workload.service.mode':
    '`kube-proxy` (default): like a ClusterIP or NodePort Service, an L4 proxy that pins each client connection to one ' +
    'ready replica when it connects, so kept-alive connections to a terminating replica fail with `conn_reset`. `l7`: ' +
    'like an ingress, each request goes round-robin on a new upstream connection, and the proxy answers 502/503/504 ' +
    'when a replica cannot. Local target only.',
  'workload.command':
    'Your own app instead of the demo app: program and arguments, run without a shell. Each replica gets `PORT`, ' +
    '`HOST`, `PGHOST`/`PGPORT`/`PGDATABASE`, `DATABASE_URL`, and `PGUSER`/`PGPASSWORD` (`via: env`) or ' +
    '`CREDENTIALS_FILE` (`via: file`); `{{port}}`, `{{host}}`, `{{databaseUrl}}`, `{{credentialsFile}}` are filled in. Local target.',
  'workload.env':
    'Extra environment variables for every replica, name → value, e.g. the demo app\'s `DEMO_TABLE` or ' +
    '`DRAIN_IDLE_CLOSE_MS`; values may use the same placeholders as `command`. Values whose names look secret ' +
    '(`DB_PASSWORD`, `API_TOKEN`) are stored as `***` in `run.json`. Local target.',
};

/** The handler and threshold keys shared by `readiness` and `liveness` (a Kubernetes Probe). */
function probeDescriptions(at: string, state: 'ready' | 'alive'): DescriptionTable {
  return {
    [`${at}.httpGet`]:
      `HTTP request to the replica; an answer with a status in \`status\` (and a body passing the body checks) means ${state}.`,
    [`${at}.httpGet.path`]: 'Path requested, starting with `/`. Default `/`.',
    [`${at}.httpGet.method`]: 'Upper-case HTTP method. Default `GET`.',
    [`${at}.httpGet.headers`]: 'Request headers, name → value.',
    [`${at}.httpGet.headers.*`]: 'One header value.',
    [`${at}.httpGet.body`]: 'Request body (e.g. a GraphQL query for `POST`). Optional.',
    [`${at}.httpGet.status`]: 'Status code or range counted as success. Default `"200-399"`, as the kubelet.',
    [`${at}.httpGet.bodyIncludes`]: 'The answer\'s body (first 10 KiB) must contain this text. Optional.',
    [`${at}.httpGet.bodyExcludes`]: 'The answer\'s body (first 10 KiB) must not contain this text, e.g. `"errors"`. Optional.',
    [`${at}.tcpSocket`]: `\`{}\`: a TCP connection to the replica's port that opens means ${state}.`,
    [`${at}.exec`]: `A command run with the replica's environment; exit code 0 means ${state}.`,
    [`${at}.exec.command`]:
      'Program and arguments, run without a shell; `{{port}}`, `{{host}}`, `{{databaseUrl}}`, `{{credentialsFile}}` are filled in.',
    [`${at}.initialDelay`]: 'Wait this long after the replica starts before the first probe, like `initialDelaySeconds`. Default `0`.',
    [`${at}.timeout`]: 'A probe not answered within this counts as failed, like `timeoutSeconds`. Default `1s`.',
    [`${at}.successThreshold`]:
      `Successes in a row after failing before it counts as ${state} again. Default 1${state === 'alive' ? ' and must be 1, as in Kubernetes' : ''}.`,
    [`${at}.failureThreshold`]:
      `Failures in a row after succeeding before it counts as ${state === 'ready' ? 'not ready' : 'dead'}. Default 3, like Kubernetes.`,
  };
}
