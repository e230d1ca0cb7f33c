/** Admin connection details of a database server started for a run. */
export interface PostgresEndpoint {
  host: string;
  port: number;
  database: string;
  adminUser: string;
  adminPassword: string;
}

/** How a server ended when nobody asked it to (killed, crashed, out of disk). */
export interface PostgresExit {
  code: number | null;
  signal: string | null;
  /**
   * The server's last log lines, redacted, once the backends it left behind have exited too (they
   * log why they end); settles within a few seconds.
   */
  output(): Promise<string>;
}

/** A Postgres server owned by the run: started in a temp dir, stopped and removed afterwards. */
export interface PostgresServer {
  start(signal?: AbortSignal): Promise<PostgresEndpoint>;
  /** Stops the server and removes its data dir. Safe to call twice or before start. */
  stop(): Promise<void>;
  /**
   * Calls `listener` as soon as the server exits after start() resolved without stop() asking it
   * to; a listener added after such an exit is called at once. Returns the unsubscribe function.
   */
  onUnexpectedExit(listener: (exit: PostgresExit) => void): () => void;
  /** Calls `listener` with every line the server logs (redacted); returns the unsubscribe function. */
  onLog?(listener: (line: string) => void): () => void;
}

/** A minimal SQL connection used by issuers and setup code. */
export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}

/** Opens SQL connections as a given user. */
export type SqlConnector = (conn: { host: string; port: number; database: string; user: string; password: string }) => Promise<SqlClient>;
