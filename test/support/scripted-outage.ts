import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/runtime/free-port.js';
import type { OutcomeKind } from '../../src/ports/outcomes.js';

/** Path of the scripted workload (test/fixtures/apps/scripted-outage.mjs). */
export const SCRIPTED_OUTAGE_APP = join(import.meta.dirname, '..', 'fixtures', 'apps', 'scripted-outage.mjs');

/** One phase of the script: what the workload does and for how long. */
export type Phase = readonly ['ok' | 'hang' | 'http500' | 'refuse' | 'reset', number];

/** The outcome kind each outage phase must produce at the client. */
export const PHASE_KIND: Record<Exclude<Phase[0], 'ok'>, OutcomeKind> = {
  hang: 'timeout', http500: 'http_5xx', refuse: 'conn_refused', reset: 'conn_reset',
};

/** Outage seconds per outcome kind: the ground truth a rate turns into expected counts. */
export function outageSeconds(phases: readonly Phase[]): Partial<Record<OutcomeKind, number>> {
  const out: Partial<Record<OutcomeKind, number>> = {};
  for (const [kind, ms] of phases) if (kind !== 'ok') out[PHASE_KIND[kind]] = (out[PHASE_KIND[kind]] ?? 0) + ms / 1000;
  return out;
}

/** A running scripted workload, its phases starting at `startAt` (epoch ms). */
export interface ScriptedApp {
  port: number;
  startAt: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the scripted workload as its own process; resolves once it listens. */
export async function startScriptedApp(phases: readonly Phase[], startInMs: number): Promise<ScriptedApp> {
  const port = await freeLoopbackPort();
  const startAt = Date.now() + startInMs;
  const child = spawn(process.execPath, [SCRIPTED_OUTAGE_APP], {
    env: { ...process.env, PORT: String(port), PHASES: JSON.stringify(phases), START_AT: String(startAt) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`scripted app exited with ${code}`)));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
  });
  const stop = (): Promise<void> => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
  return { port, startAt, child, stop };
}
