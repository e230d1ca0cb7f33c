import { ExternalError } from '../errors/errors.js';

/**
 * Vault's standard response envelope (stack-facts.md C). `data` is null for responses that carry
 * only lease information, e.g. `sys/leases/renew`.
 */
export interface VaultResponse {
  request_id?: string;
  lease_id: string;
  lease_duration: number;
  renewable: boolean;
  data: Record<string, unknown> | null;
  warnings: string[] | null;
}

/** The body of `GET /v1/sys/health` (not wrapped in `data`). */
export interface VaultHealth {
  initialized: boolean;
  sealed: boolean;
  version?: string;
  /** Vault's clock, unix seconds (`server_time_utc`), when the server reports it. */
  serverTimeUtc?: number;
}

/**
 * The slice of Vault's HTTP API vaultctl uses. Paths are relative to `/v1/` and carry no
 * leading slash (`database/creds/app`); implementations strip one if given.
 */
export interface VaultApi {
  /** `GET sys/health`; resolves for sealed/standby/uninitialised servers too. */
  health(): Promise<VaultHealth>;
  /** `GET <path>`. */
  read(path: string): Promise<VaultResponse>;
  /** `POST <path>`; undefined when Vault answers 204 No Content. */
  write(path: string, body: Record<string, unknown>): Promise<VaultResponse | undefined>;
  /** `LIST <path>` → `data.keys`; an empty list when Vault answers 404 (nothing there). */
  list(path: string): Promise<string[]>;
  /** `DELETE <path>`. */
  delete(path: string): Promise<void>;
}

/**
 * A Vault request failed. `status` is the HTTP status, absent when no answer arrived (connection
 * refused, timeout). `errors` are Vault's `errors[]` strings. The message never holds a token.
 */
export class VaultApiError extends ExternalError {
  readonly status?: number;
  readonly errors: string[];
  readonly path: string;
  constructor(message: string, opts: { status?: number; errors?: string[]; path: string; hint?: string }) {
    super(message, { hint: opts.hint });
    this.status = opts.status;
    this.errors = opts.errors ?? [];
    this.path = opts.path;
  }

  /** True when any of Vault's error strings contains `text`. */
  mentions(text: string): boolean {
    return this.errors.some((e) => e.includes(text));
  }
}

/** A Vault dev server started for a run (`vault server -dev`). */
export interface VaultDevServer {
  endpoint: string;
  token: string;
  /** Stops the server; safe to call twice. */
  stop(): Promise<void>;
}
