import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import type { Credentials } from '../../../src/ports/credentials.js';
import { freeLoopbackPort } from '../../../src/runtime/free-port.js';
import { waitFor, type TestPg } from '../postgres/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const APP = path.join(ROOT, 'src/demo-app/server.ts');

/** One HTTP answer, body read to the end. */
export interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One request on a fresh connection (agent: false), or through `agent` when given. */
export function get(port: number, urlPath = '/', agent: http.Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** A running demo app process and what it printed. */
export interface App {
  proc: ChildProcess;
  port: number;
  events: () => Record<string, unknown>[];
  output: () => string;
  exit: Promise<{ code: number | null; signal: string | null }>;
}

/**
 * Starts demo app processes (src/demo-app/server.ts through tsx) against `pg()` and kills the
 * ones still running in `stopAll` (call it from afterEach).
 */
export function demoApps(pg: () => TestPg) {
  const apps: App[] = [];
  async function start(creds: Credentials | undefined, env: Record<string, string> = {}, opts: { ready?: boolean } = {}): Promise<App> {
    const port = await freeLoopbackPort();
    const proc = spawn(process.execPath, ['--import', 'tsx', APP], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH, PORT: String(port), PGHOST: pg().endpoint.host, PGPORT: String(pg().endpoint.port),
        PGDATABASE: 'app', ...(creds ? { PGUSER: creds.username, PGPASSWORD: creds.password } : {}), ...env,
      },
    });
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
    const exit = new Promise<{ code: number | null; signal: string | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    const events = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const app: App = { proc, port, events, output: () => out, exit };
    apps.push(app);
    if (opts.ready === false) {
      await waitFor(() => events().some((e) => e.event === 'listening') || proc.exitCode !== null, 30_000, `the app to listen: ${out}`);
      return app;
    }
    await waitFor(() => events().some((e) => e.event === 'ready') || proc.exitCode !== null, 30_000, `the app to be ready: ${out}`);
    expect((await get(port, '/ready')).status).toBe(200);
    return app;
  }
  async function stopAll(): Promise<void> {
    for (const a of apps.splice(0)) {
      if (a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill('SIGKILL');
      await a.exit;
    }
  }
  return { start, stopAll };
}
