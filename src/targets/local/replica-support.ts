import { fillPlaceholders, type PlaceholderName } from '../../scenario/placeholders.js';
import type { SecretRegistry } from '../../errors/redact.js';
import type { EventSink } from '../../ports/events.js';
import type { ProcessSpawner } from '../../ports/process-spawner.js';
import type { Clock } from '../../runtime/runtime.js';
import type { WorkloadSpec } from '../../scenario/model.js';
import { databaseUrl } from './workload-env.js';

/* Small helpers and types of replica.ts. The last-resort kill of children is the spawner's (adapters/node-process-spawner.ts). */

export { freeLoopbackPort } from '../../runtime/free-port.js';
import { LineBuffer } from '../../runtime/line-buffer.js';

/**
 * Everything a replica needs. `env` is complete (PORT and HOST are added here). `R` is the
 * Replica class (replica.ts), given to the callbacks; a parameter keeps this file free of it.
 */
export interface ReplicaOptions<R> {
  id: string;
  revision: number;
  command: string[];
  env: Record<string, string>;
  /**
   * Per-replica credentials (csi, vault-env): called at each start, after the back-off delay, for
   * the env to use instead of `env` — as vault-env fetches at exec and a CSI mount at pod start.
   * A rejection fails the start like an exit before ready would.
   */
  envAtStart?: () => Promise<Record<string, string>>;
  workload: WorkloadSpec;
  proxy: EndpointRegistry;
  events: EventSink;
  clock: Clock;
  secrets: SecretRegistry;
  /** Starts the process, recorded in the run ledger (a killed vaultctl's replicas are reaped by the next run). */
  spawner: ProcessSpawner;
  /** Called when a replica that was ready exits without being asked to (after replica_exited). */
  onCrash?: (replica: R, exit: ReplicaExit) => void;
  /** Called when a replica that was ready leaves or rejoins the Service because of its readiness probe. */
  onServingChange?: (replica: R) => void;
  /** Every chunk of the process's stdout and stderr, as it comes (the replica's log file). */
  onOutput?: (replica: R, chunk: string) => void;
  /**
   * True once the run is stopping: an exit then is expected even before terminate() reaches this
   * replica (Ctrl-C signals vaultctl's whole process group, the replicas included).
   */
  stopping?: () => boolean;
}

/** The Service stand-in a replica registers with once ready (an endpoint). */
export interface EndpointRegistry {
  add(id: string, port: number): void;
  remove(id: string): void;
}

/**
 * Where a replica is in its life. `unready`: it was ready, its readiness probe fails now, so it is
 * out of the Service but still running (a pod whose Ready condition went False).
 */
export type ReplicaPhase = 'starting' | 'ready' | 'unready' | 'terminating' | 'exited';

/** How the process ended; `reason` when vaultctl ended it on purpose (a failed liveness probe). */
export interface ReplicaExit {
  code: number | null;
  signal: string | null;
  reason?: string;
}

/** start() gave up because terminate() was called first; the supervisor expects and ignores it. */
export class ReplicaTerminatedError extends Error {
  constructor(id: string) {
    super(`replica ${id} was terminated before it was ready`);
    this.name = 'ReplicaTerminatedError';
  }
}

/** argv and env of one replica on `port`: placeholders filled (`fill` does the same for exec probes), PORT and HOST set. */
export function launchOf(command: readonly string[], baseEnv: Readonly<Record<string, string>>, port: number) {
  const values = handOff(baseEnv, port);
  const fill = (text: string): string => fillPlaceholders(text, values);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(baseEnv)) env[key] = fill(value);
  env.PORT = values.port;
  env.HOST = values.host;
  return { argv: command.map(fill), env, fill };
}

/** What `{{port}}`, `{{host}}`, `{{databaseUrl}}` and `{{credentialsFile}}` stand for in one replica. */
function handOff(env: Readonly<Record<string, string>>, port: number): Record<PlaceholderName, string> {
  // From the PG* variables, not env.DATABASE_URL: a user's DATABASE_URL may itself be a template.
  return { port: String(port), host: '127.0.0.1', databaseUrl: databaseUrl(env), credentialsFile: env.CREDENTIALS_FILE ?? '' };
}

/** "exited with code 1" / "was killed by SIGKILL", and why when vaultctl killed it. */
export function describeExit(e: ReplicaExit): string {
  const how = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
  return e.reason ? `${how} (${e.reason})` : how;
}

/** The last `n` non-empty lines of some output, indented, for a log line. */
export function lastLines(output: string, n: number): string {
  return output.split('\n').filter((l) => l.trim() !== '').slice(-n).map((l) => `    | ${l}`).join('\n');
}

/** The last lines a process printed (its whole output goes to its log file). */
export class OutputTail {
  private readonly lines: string[] = [];
  private readonly buffer = new LineBuffer();

  constructor(private readonly max = 50) {}

  push(chunk: string): void {
    this.lines.push(...this.buffer.push(chunk));
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }

  /** The lines so far, the unfinished last one included. */
  text(): string {
    return (this.buffer.rest ? [...this.lines, this.buffer.rest] : this.lines).join('\n');
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
