import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as http from 'node:http';
import { fileURLToPath } from 'node:url';
import { SecretRegistry } from '../../../src/errors/redact.js';
import type { Credentials } from '../../../src/ports/credentials.js';
import type { EventSink, RunEvent } from '../../../src/ports/events.js';
import type { DeliverySpec, ProbeSpec, WorkloadSpec } from '../../../src/scenario/model.js';
import { LocalSupervisor } from '../../../src/targets/local/supervisor.js';
import type { PerReplicaIssuer } from '../../../src/targets/local/replica-credentials.js';
import { createNodeProcessSpawner } from '../../../src/adapters/node-process-spawner.js';
import { openRunLedger } from '../../../src/runtime/run-ledger.js';

/**
 * The replicas' run ledger. Nothing reaps in these tests, and a ledger file goes away once its
 * process has no replica left, so one fixed dir serves every test file and leaves nothing per run.
 */
const ledger = openRunLedger(join(tmpdir(), 'vaultctl-test-supervisor-state', 'runs'));

/** The fixture workload. */
export const TINY_APP = fileURLToPath(new URL('../../fixtures/apps/tiny-app.mjs', import.meta.url));

/** Epoch-ms clock, so event times compare with the times the fixture app writes. */
export const epochClock = { now: () => Date.now(), wallClock: () => new Date() };

/** A fake Service proxy that records every change and the live endpoint set. */
export class RecordingProxy {
  readonly ops: Array<{ op: 'add' | 'remove'; id: string; port?: number; t: number; size: number }> = [];
  readonly live = new Map<string, number>();
  add(id: string, port: number): void {
    this.live.set(id, port);
    this.ops.push({ op: 'add', id, port, t: Date.now(), size: this.live.size });
  }
  remove(id: string): void {
    this.live.delete(id);
    this.ops.push({ op: 'remove', id, t: Date.now(), size: this.live.size });
  }
}

/** An EventSink that keeps every event. */
export class ArraySink implements EventSink {
  readonly events: RunEvent[] = [];
  emit(e: RunEvent): void {
    this.events.push(e);
  }
  of<T extends RunEvent['type']>(type: T, replica?: string): Array<Extract<RunEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<RunEvent, { type: T }> =>
      e.type === type && (replica === undefined || ('replica' in e && e.replica === replica)));
  }
  one<T extends RunEvent['type']>(type: T, replica: string): Extract<RunEvent, { type: T }> {
    const found = this.of(type, replica);
    if (found.length !== 1) throw new Error(`expected one ${type} for ${replica}, got ${found.length}`);
    return found[0];
  }
}

export function workload(over: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    replicas: 3, maxSurge: 1, maxUnavailable: 0, gracefulDrain: true,
    terminationGracePeriodMs: 3000, preStopMs: 200, endpointPropagationMs: 100,
    readiness: { ...probe(), startupTimeoutMs: 10_000 },
    restartBackoff: { initialMs: 200, maxMs: 1000 }, progressDeadlineMs: 10_000,
    pool: { max: 2, maxLifetimeMs: 60_000, idleTimeoutMs: 10_000 }, querySleepMs: 0, servicePort: 0, serviceMode: 'kube-proxy', env: {},
    ...over,
  };
}

/** A readiness-like probe: GET /ready every 50 ms, kubelet thresholds; `over` replaces fields. */
export function probe(over: Partial<ProbeSpec> = {}): ProbeSpec {
  return {
    check: { kind: 'httpGet', path: '/ready', method: 'GET', headers: {}, statusMin: 200, statusMax: 399 },
    initialDelayMs: 0, periodMs: 50, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3, ...over,
  };
}

export function creds(username: string): Credentials {
  return { leaseId: `lease-${username}`, username, password: `pw-${username}-s3cret`, issuedAt: 0, ttlMs: 60_000 };
}

/** Builds a supervisor over the fixture app with a recording proxy and an array sink. */
export function harness(opts: { workload?: Partial<WorkloadSpec>; via?: DeliverySpec['via']; env?: Record<string, string>;
  command?: string[]; signal?: AbortSignal; perReplica?: PerReplicaIssuer; startSpreadMs?: number } = {}) {
  const proxy = new RecordingProxy();
  const sink = new ArraySink();
  const logs: string[] = [];
  const secrets = new SecretRegistry();
  const sup = new LocalSupervisor({
    workload: workload(opts.workload),
    delivery: { refreshIntervalMs: 0, reload: opts.via === 'file' ? 'signal' : 'restart', via: opts.via ?? 'env' },
    command: opts.command ?? [process.execPath, TINY_APP],
    baseEnv: { PATH: process.env.PATH ?? '', ...opts.env },
    proxy, events: sink, clock: epochClock, secrets, log: (l) => logs.push(l), signal: opts.signal,
    ledger, spawner: createNodeProcessSpawner(ledger), perReplica: opts.perReplica, startSpreadMs: opts.startSpreadMs,
  });
  return { sup, proxy, sink, logs, secrets };
}

/** GET http://127.0.0.1:port/path → body. */
export function get(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    }).on('error', reject).on('timeout', function (this: http.ClientRequest) {
      this.destroy(new Error('timeout'));
    });
  });
}

/** True while the process exists and is not a zombie waiting for a reaper. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of this process's children running the fixture app (Linux /proc). */
export function fixtureChildren(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('tiny-app.mjs')) pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** Polls until `check` returns true. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Signals the fixture app logged: pid → signal → epoch ms. */
export function signalLog(path: string): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.trim().split('\n').filter(Boolean)) {
    const [t, sig, pid] = line.split(' ');
    if (!out.has(Number(pid))) out.set(Number(pid), new Map());
    out.get(Number(pid))!.set(sig, Number(t));
  }
  return out;
}

/**
 * The supervisors and temp dirs of one test file: `track` a harness, ask for a `tempDir`; after each
 * test every supervisor is stopped, every dir removed, and no fixture process may be left.
 */
export function useSupervisors(prefix: string): { track<T extends { sup: LocalSupervisor }>(h: T): T; tempDir(): string } {
  const running: LocalSupervisor[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    expect(fixtureChildren()).toEqual([]);
  });
  return {
    track(h) {
      running.push(h.sup);
      return h;
    },
    tempDir() {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
  };
}
