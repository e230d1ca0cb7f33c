import type { Scenario } from '../scenario/model.js';

/** What a masked value is replaced by in run.json and reports. */
export const MASK = '***';

/**
 * Names of environment variables and request headers whose values are treated as secrets:
 * `DB_PASSWORD`, `API_TOKEN`, `Authorization`, `X-Api-Key`, `Cookie`, …
 */
export const SECRET_NAME = /pass|secret|token|key|auth|cookie|credential/i;

/**
 * The scenario as it may be stored (run.json, reports): values of `workload.env` and
 * `load.request.headers` whose names look secret become `***`. Pure; the input is not changed.
 */
export function maskScenario(s: Scenario): Scenario {
  return {
    ...s,
    workload: { ...s.workload, env: maskRecord(s.workload.env) },
    load: { ...s.load, request: { ...s.load.request, headers: maskRecord(s.load.request.headers) } },
  };
}

/**
 * The secret values the user wrote into a scenario, for the run's SecretRegistry so that logs and
 * errors redact them too. A header such as `Bearer abc…` also yields its credential part alone,
 * because that part can show up without the scheme (a server echoing the token, say).
 */
export function scenarioSecrets(s: Scenario): string[] {
  const out: string[] = [];
  for (const record of [s.workload.env, s.load.request.headers]) {
    for (const [name, value] of Object.entries(record)) {
      if (!SECRET_NAME.test(name) || value === '') continue;
      out.push(value);
      const scheme = /^[A-Za-z][\w-]*\s+(\S.*)$/.exec(value);
      if (scheme) out.push(scheme[1]);
    }
  }
  return out;
}

function maskRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, SECRET_NAME.test(k) ? MASK : v]));
}
