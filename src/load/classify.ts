import type { LoadPlan } from '../ports/load.js';
import type { OutcomeKind } from '../ports/outcomes.js';

/** The kind of one request outcome and, when known, why it failed. */
export interface Classification {
  kind: OutcomeKind;
  cause?: string;
}

/** Header the service proxy sets on answers it makes itself (src/targets/local/proxy.ts). */
const PROXY_ERROR = 'x-vaultctl-proxy-error';
/** Header carrying a failure reason: a SQLSTATE from the demo app, an errno from the proxy. */
const CAUSE = 'x-vaultctl-cause';

function fromProxyError(value: string, cause: string | undefined): Classification {
  switch (value) {
    // A Service with no ready endpoints refuses the connection; keep the reason apart from a dead replica.
    case 'no_endpoints':
      return { kind: 'conn_refused', cause: 'no_endpoints' };
    case 'conn_refused':
    case 'conn_reset':
    case 'timeout':
      return withCause(value, cause);
    default:
      return withCause('other', cause ?? value);
  }
}

function withCause(kind: OutcomeKind, cause: string | undefined): Classification {
  return cause === undefined ? { kind } : { kind, cause };
}

/**
 * Classifies one HTTP response. `headers` keys must be lower-case. Order of the checks: an error
 * made by the proxy, then the status against the success range, then the body checks.
 */
export function classifyResponse(
  status: number,
  headers: Record<string, string>,
  body: string,
  success: LoadPlan['success'],
): Classification {
  const proxyError = headers[PROXY_ERROR];
  const cause = headers[CAUSE];
  if (proxyError !== undefined) return fromProxyError(proxyError, cause);

  if (status < success.statusMin || status > success.statusMax) {
    const reason = cause ?? String(status);
    if (status >= 400 && status <= 499) return { kind: 'http_4xx', cause: reason };
    if (status >= 500 && status <= 599) return { kind: 'http_5xx', cause: reason };
    return { kind: 'other', cause: reason };
  }

  if (success.bodyIncludes !== undefined && !body.includes(success.bodyIncludes)) {
    return { kind: 'body_error', cause: 'bodyIncludes' };
  }
  if (success.bodyExcludes !== undefined && body.includes(success.bodyExcludes)) {
    return { kind: 'body_error', cause: 'bodyExcludes' };
  }
  return { kind: 'ok' };
}

// autocannon reports its own request timeout as a plain Error with this message and no code.
const AUTOCANNON_TIMEOUT = 'request timed out';

/** Classifies a request that got no response: a connection error or a client-side timeout. */
export function classifyError(err: { code?: string; message?: string }): Classification {
  switch (err.code) {
    case 'ECONNREFUSED':
      return { kind: 'conn_refused', cause: err.code };
    case 'ECONNRESET':
    case 'EPIPE':
      return { kind: 'conn_reset', cause: err.code };
  }
  if (err.code === undefined && err.message === AUTOCANNON_TIMEOUT) return { kind: 'timeout' };
  return withCause('other', err.code);
}
