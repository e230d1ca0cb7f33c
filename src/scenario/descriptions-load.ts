/** Key path → description (syntax: see descriptions.ts). */
type DescriptionTable = Readonly<Record<string, string>>;

/**
 * Editor help for `load`, `rotations`, `analysis` and `thresholds` (path syntax in descriptions.ts).
 * Defaults and limits follow schema.ts, normalize.ts (the maxInFlight default) and bounds.ts; the
 * load model follows README "How load is sent"; how the kubernetes target carries out each rotation
 * follows src/targets/kubernetes/triggers.ts (force-sync: stack-facts.md F, revoke-prefix and
 * rotate-root: stack-facts.md C).
 */
export const LOAD_DESCRIPTIONS: DescriptionTable = {
  load:
    'The HTTP load sent through the Service while credentials rotate; `duration` is required. Both targets (on ' +
    'Kubernetes to the lab\'s demo app at 127.0.0.1:8080, vaultctl.yaml `appHostPort`).',
  'load.rate':
    'Requests per second, started on schedule whatever the answers (open model: request i starts at i/rate s). ' +
    'Default 100 req/s, at most 100000. `max` runs autocannon as a closed loop instead: each connection sends again ' +
    'once answered, as fast as the workload allows.',
  'load.connections':
    'Kept-alive client connections used in turn, one request at a time each; when all are busy more open, up to ' +
    '`maxInFlight`, and idle ones beyond this number close. With `rate: max`, autocannon\'s concurrent connections. ' +
    'Default 10, at most 10000.',
  'load.maxInFlight':
    'Most requests in flight at once; a scheduled request beyond it is recorded as `not_sent` (cause `max_in_flight`), ' +
    'a failure. Default ceil(1.25 × rate × timeout in seconds), at most 4000 and at least `connections` (with ' +
    '`rate: max`: `connections`); at most 10000 when set.',
  'load.workers':
    'Load worker processes that send the schedule between them (each every N-th request, at its own time) and send ' +
    'their outcomes binned to vaultctl, which only merges: more load than one event loop can send. Default `auto`: on ' +
    'the local target half the cores beyond two (none on two cores, where a worker only competes with the workload; at most 8); ' +
    'on `kubernetes` an indexed Job of 3 pods in the ' +
    'app\'s namespace sending to its Service. `0`: the vaultctl process sends it itself (and `rate: max` always does). A worker ' +
    'that dies or stalls is an event, its unsent share counted as `not_sent` (cause `worker_lost`), and the run fails (exit 99).',
  'load.keepAlive':
    'Reuse connections between requests, as real clients do. Default `true`; `false` opens a connection per request, ' +
    'so failures of kept-alive connections to a terminating replica (`conn_reset`) are not seen.',
  'load.duration':
    'How long the measured load runs, a duration such as `30s` or `2m`; required and longer than 0. Rotation offsets ' +
    'must fall inside it, and `warmUp` + `duration` is at most 24h.',
  'load.warmUp':
    'Load sent before measurement starts, so pools fill and connections open; recorded but not analysed. Rotation ' +
    'offsets and `delivery.refreshInterval` count from its end. Default `0`.',
  'load.timeout':
    'A request unanswered this long is a `timeout` failure; the open-model generator also records a request as ' +
    '`not_sent` (`generator_behind`) when it is further behind its schedule than this. Default `5s`, longer than 0, ' +
    'and at least `1s` with `rate: max` (autocannon counts whole seconds).',
  'load.request': 'The request every load request sends.',
  'load.request.method': 'HTTP method, in upper case. Default `GET`.',
  'load.request.path': 'Path (with any query string) requested through the Service; starts with `/`. Default `/`.',
  'load.request.headers':
    'Extra request headers, name → value; none by default. Values whose names look secret (`Authorization`, ' +
    '`Cookie`, anything with `token` or `key`) are stored as `***` in `run.json` and redacted from logs.',
  'load.request.body': 'Body sent with every request, e.g. a JSON query for a `POST`; none by default. Set its `Content-Type` in `headers`.',
  'load.success': 'What a successful answer looks like; anything else is a failure, counted by kind and cause.',
  'load.success.status':
    'Status code (`200`) or inclusive range (`"200-299"`, the default) of a successful answer; other codes count as ' +
    '`http_4xx`, `http_5xx` (or `other`), with the app\'s `x-vaultctl-cause` header or the code as cause.',
  'load.success.bodyIncludes':
    'Text the body of a successful answer must contain; an answer with the right status but without it is a ' +
    '`body_error` (cause `bodyIncludes`). For apps that report errors inside a 200.',
  'load.success.bodyExcludes':
    'Text the body of a successful answer must not contain, e.g. `"errors"`; an answer containing it is a ' +
    '`body_error` (cause `bodyExcludes`).',

  rotations:
    'Rotations vaultctl triggers besides `delivery.refreshInterval`, as lists of offsets (durations such as `12s`) from ' +
    'the start of the measured load (the end of `load.warmUp`), each before the end of `load.duration`.',
  'rotations.at':
    'Extra credential re-issues. Local: new credentials, delivered as `delivery.reload` says (trigger `at`); ' +
    'Kubernetes: a `force-sync` annotation on the ExternalSecret, so ESO fetches new credentials at once and Wave rolls.',
  'rotations.revoke':
    'Revoke the live credentials (chaos). Local: the lease the replicas use, running the role\'s ' +
    '`revocationStatements`; Kubernetes: every lease of the lab\'s role (`sys/leases/revoke-prefix`). Requests fail ' +
    'until a later rotation delivers new credentials.',
  'rotations.rotateRoot':
    '`target: kubernetes` only: Vault sets a new password for the admin user of its database connection ' +
    '(`<mount>/rotate-root/<connection>`), after which only Vault knows it.',

  analysis: 'How measured requests are split into rollout windows and the baseline.',
  'analysis.settle':
    'Tail added to each rollout window after the rollout completes, so failures just after it count in its row. ' +
    'A duration, default `2s`.',
  'analysis.lead':
    'Head added to each rollout window before the rollout starts: requests are attributed by their start, and one ' +
    'already in flight when a rollout starts can fail because of it. Default `250ms`.',
  'analysis.bin':
    'Width of the recorder\'s time bins (`timeline.json`, the HTML timeline). Default `10ms`; longer than 0 and at most ' +
    '10 million bins over `load.warmUp` + `load.duration`.',

  thresholds:
    'Limits the run must stay within; crossing one exits 99 after every report is written. Checked when the scenario ' +
    'loads (a bad one is exit 104 at its line); `--threshold` replaces those of the same metric.',
  'thresholds[]':
    '`METRIC OP VALUE`, e.g. `rollout.failure_rate < 0.1%`. Metrics: `rollout.failure_rate`, `baseline.failure_rate`, ' +
    '`load.sent_ratio` (in % or a ratio), `rollout.downtime`, `rollout.duration`, `rollout.latency.p99`, `latency.p99` ' +
    '(`ms`, `s`, `m`), `leases.outstanding` (a count); or `{threshold, abortOnFail}`.',
  'thresholds[].threshold': 'The expression, as in the short form: `rollout.failure_rate < 5%`.',
  'thresholds[].abortOnFail': 'Stop the run as soon as this threshold is crossed instead of at the end. Default `false`.',
};
