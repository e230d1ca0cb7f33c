/** Admin connection details of a database server started for a run. */
export interface PostgresEndpoint {
  host: string;
  port: number;
  database: string;
  adminUser: string;
  adminPassword: string;
}

/** A Postgres server owned by the run: started in a temp dir, stopped and removed afterwards. */
export interface PostgresServer {
  start(signal?: AbortSignal): Promise<PostgresEndpoint>;
  /** Stops the server and removes its data dir. Safe to call twice or before start. */
  stop(): Promise<void>;
}

/** A minimal SQL connection used by issuers and setup code. */
export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}

/** Opens SQL connections as a given user. */
export type SqlConnector = (conn: { host: string; port: number; database: string; user: string; password: string }) => Promise<SqlClient>;
