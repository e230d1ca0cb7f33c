import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectCleanAndRedacted, runVaultctl } from '../../support/cli-harness.js';

/** One line of events.ndjson, read back as JSON. */
export type RunEventJson = Record<string, any>;

/** One window's statistics in run.json. */
export interface Stats { requests: number; failures: number; byCause: Record<string, number>; downtimeMs: number }

/** timeline.json: failures per kind as [bin, count] pairs, and per cause as [bin, kind, cause, count]. */
export type Timeline = { binMs: number; failures: Record<string, [number, number][]>; causes: [number, string, string, number][] };

/** Runs `scenarios/<name>.yaml` through the CLI into `<outParent>/<name>` and reads its results. */
export async function runScenario(dirs: { out: string; tmp: string }, name: string) {
  const out = join(dirs.out, name);
  const { code, rt } = await runVaultctl(['rotate-test', `scenarios/${name}.yaml`, '--out', out]);
  const runFile = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  const events: RunEventJson[] = readFileSync(join(out, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const timeline = JSON.parse(readFileSync(join(out, 'timeline.json'), 'utf8')) as Timeline;
  expectCleanAndRedacted(rt, out, dirs.tmp);
  return { code, rt, events, timeline, rollouts: runFile.analysis.rollouts as Stats[], baseline: runFile.analysis.baseline as Stats };
}

/** Start (ms, run clock) of every time bin holding a failure of any kind (or of these kinds). */
export const failureTimes = (t: Timeline, kinds?: string[]) => Object.entries(t.failures)
  .filter(([kind]) => !kinds || kinds.includes(kind)).flatMap(([, pairs]) => pairs.map(([bin]) => bin * t.binMs));

/** The most spans open at one time. */
export function maxOverlap(spans: readonly [number, number][]): number {
  const edges = spans.flatMap(([a, b]): [number, number][] => [[a, 1], [b, -1]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (open += d));
  return max;
}

/** credentials_issued events grouped by the replica they were issued for, in order. */
export function issuedByReplica(events: RunEventJson[]): Map<string, { t: number; username: string; leaseId: string }[]> {
  const out = new Map<string, { t: number; username: string; leaseId: string }[]>();
  for (const e of events) {
    if (e.type !== 'credentials_issued' || e.replica === undefined) continue;
    out.set(e.replica, [...(out.get(e.replica) ?? []), { t: e.t, username: e.username, leaseId: e.leaseId }]);
  }
  return out;
}
