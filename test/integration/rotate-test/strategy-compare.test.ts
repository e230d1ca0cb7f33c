import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expectCleanAndRedacted, noStart, runVaultctl, useRunDirs } from '../../support/cli-harness.js';
import { chromium, skipBrowser } from '../../support/chromium.js';
import { countColour, decodePng } from '../../support/png-pixels.js';

/** The live-lease line's stroke (src/report/html/styles.ts `.leases-line`). */
const LEASE_COLOUR = '#6f42c1';

// `rotate-test FILE --strategy a,b` (issue 11): the same scenario once per strategy, one results
// directory each under one parent, then one comparison; `vaultctl report parent/*` renders it again.
const dirs = useRunDirs('vaultctl-strategy-compare-');

function scenario(strategies: string): string {
  const file = join(dirs.out, `cmp-${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(file, `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: cmp}
database: {role: {defaultTtl: 8s, maxTtl: 9s}}
delivery: {via: file}
strategies:
${strategies}
workload: {replicas: 2, querySleep: 2ms}
load: {rate: 100, connections: 5, duration: 12s, warmUp: 1s}
`);
  return file;
}

describe('rotate-test --strategy', () => {
  it('exits 2 on an unknown strategy name and 104 on a variant that does not fit, starting nothing', async () => {
    const flag = { started: false };
    const file = scenario('  agent-template: {pickup: signal}');
    const unknown = await runVaultctl(['rotate-test', file, '--strategy', 'agent-template,agent'], { deps: noStart(flag) });
    expect(unknown.code).toBe(2);
    expect(unknown.rt.err()).toContain('unknown strategy "agent" in --strategy');
    expect(unknown.rt.err()).toMatch(/hint: use "all" or a comma-separated list of: secret-sync-restart, vso/);
    const env = scenario('  agent-template: {pickup: signal, via: env}');
    const invalid = await runVaultctl(['rotate-test', env, '--strategy', 'secret-sync-restart,agent-template'], { deps: noStart(flag) });
    expect(invalid.code).toBe(104);
    expect(invalid.rt.err()).toMatch(/strategies\.agent-template\.via: agent-template renders a file/);
    expect(flag.started).toBe(false);
    expect(readdirSync(dirs.out).filter((f) => !f.endsWith('.yaml'))).toEqual([]);
  });

  it('runs each strategy into its own directory and compares them; report renders the same comparison', async () => {
    const file = scenario('  secret-sync-restart: {refreshInterval: 3s}\n  init-renewer: {renewEvery: 1s, renewIncrement: 8s}');
    const out = join(dirs.out, 'compare');
    const { code, rt } = await runVaultctl(['rotate-test', file, '--strategy', 'init-renewer,secret-sync-restart', '--out', out]);
    expect(code, rt.err()).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['init-renewer', 'secret-sync-restart']);
    for (const s of ['init-renewer', 'secret-sync-restart']) {
      const run = JSON.parse(readFileSync(join(out, s, 'run.json'), 'utf8'));
      expect(run.scenario.delivery.strategy).toBe(s);
      expectCleanAndRedacted(rt, join(out, s), dirs.tmp);
    }
    // init-renewer's credentials die at max TTL (9 s) inside the 12 s of load; secret-sync-restart replaces them every 3 s.
    const renewer = JSON.parse(readFileSync(join(out, 'init-renewer', 'run.json'), 'utf8'));
    expect(renewer.analysis.overall.failures).toBeGreaterThan(0);
    const table = rt.out().slice(rt.out().indexOf('2 strategies compared'));
    expect(table).toMatch(/^2 strategies compared/);
    const rank = table.split('\n').find((l) => l.startsWith('rank'))!;
    const head = table.split('\n')[1];
    // Ranked by failed requests first: the one that kept its credentials alive comes first.
    expect(head.indexOf('secret-sync-restart')).toBeLessThan(head.indexOf('init-renewer'));
    expect(rank).toMatch(/1\s+2\s*$/);
    expect(table).toMatch(/recommended: secret-sync-restart/);
    expect(rt.err()).toContain(`compare again: vaultctl report ${out}/*`);

    const again = await runVaultctl(['report', join(out, 'init-renewer'), join(out, 'secret-sync-restart')]);
    expect(again.code, again.rt.err()).toBe(0);
    expect(again.rt.out()).toContain(table.split('\n').slice(0, 4).join('\n'));
    expect(existsSync(join(out, 'vso'))).toBe(false);

    // Its HTML, as a browser draws it: the ranked table and one timeline per strategy with its live leases.
    if (skipBrowser) return;
    const html = join(dirs.out, 'compare.html');
    const rendered = await runVaultctl(['report', join(out, 'init-renewer'), join(out, 'secret-sync-restart'),
      '--format', 'html', '--out', html]);
    expect(rendered.code, rendered.rt.err()).toBe(0);
    const dom = await chromium(['--dump-dom'], pathToFileURL(html).href);
    expect(dom).toContain('recommended: secret-sync-restart');
    expect((dom.match(/<svg class="timeline"[^>]*data-hover="ready"/g) ?? []).length).toBe(2);
    const shot = join(dirs.out, 'compare.png');
    await chromium([`--screenshot=${shot}`, '--window-size=1400,2400', '--hide-scrollbars'], pathToFileURL(html).href);
    expect(countColour(decodePng(readFileSync(shot)), LEASE_COLOUR)).toBeGreaterThan(200);
  }, 240_000);
});
