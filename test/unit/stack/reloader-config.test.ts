import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectStackGolden } from '../../support/stack-golden.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Namespace } from 'kubernetes-models/v1';
import { UsageError } from '../../../src/errors/errors.js';
import { applyOverrides, defaultStackConfig, parseLabConfig } from '../../../src/stack/config/index.js';
import { helmReleases, renderAllManifests, type KubeObject } from '../../../src/stack/manifests/index.js';
import { RELOADER_SECRET_ANNOTATION, WAVE_ANNOTATION } from '../../../src/stack/manifests/reloader.js';
import type { StackConfig } from '../../../src/stack/stack-config.js';
import { runStackCommand, tempStateDir } from '../../support/stack-harness.js';

// Issue 12: `reloader: wave | stakater` (vaultctl.yaml), `bootstrap --reloader` / VAULTCTL_RELOADER.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: LabConfig\n';
const STAKATER: StackConfig = { ...defaultStackConfig(), reloader: 'stakater' };
const deploymentOf = (cfg: StackConfig) => renderAllManifests(cfg, { adminPassword: 'pw', bundle: '//' })
  .find((o) => o.kind === 'Deployment') as KubeObject & { spec: { template: { metadata: { annotations?: Record<string, string> } } } };

describe('reloader in the lab config', () => {
  it('defaults to wave; the file chooses stakater; anything else is a config error at its line', () => {
    expect(defaultStackConfig().reloader).toBe('wave');
    expect(parseLabConfig(`${HEAD}reloader: stakater\n`, 'lab.yaml').reloader).toBe('stakater');
    expect(() => parseLabConfig(`${HEAD}reloader: reloader\n`, 'lab.yaml')).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ line: 3, path: 'reloader', message: 'must be one of wave, stakater' })] }));
  });

  it('an override replaces it; an unknown one is a usage error with the allowed values', () => {
    expect(applyOverrides(defaultStackConfig(), { reloader: 'stakater' }).reloader).toBe('stakater');
    const bad = (() => { try { applyOverrides(defaultStackConfig(), { reloader: 'both' }); } catch (e) { return e; } })();
    expect(bad).toBeInstanceOf(UsageError);
    expect(bad).toMatchObject({ message: 'unknown reloader "both" in --reloader', hint: 'allowed: wave, stakater' });
  });

  it("the Reloader chart's release may not be another chart's", () => {
    expect(() => parseLabConfig(`${HEAD}charts:\n  reloader:\n    namespace: wave\n    release: wave\n`, 'lab.yaml'))
      .toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'charts.reloader.release', message: 'release wave/wave is used twice' })] }));
  });
});

describe('the base lab with Reloader instead of Wave', () => {
  it('the demo app carries exactly one controller\'s annotation, never both, and still validates', () => {
    const wave = deploymentOf(defaultStackConfig());
    const stakater = deploymentOf(STAKATER);
    expect(wave.metadata.annotations).toEqual({ [WAVE_ANNOTATION]: 'true' });
    // The Secret the Deployment reads its credentials from, by name (not `auto`: its code ConfigMap must not roll it).
    expect(stakater.metadata.annotations).toEqual({ [RELOADER_SECRET_ANNOTATION]: 'demo-app-db' });
    const env = JSON.stringify((stakater as any).spec.template.spec.containers[0].env);
    expect(env).toContain('"secretKeyRef":{"name":"demo-app-db"');
    expect(stakater.spec.template.metadata.annotations).toBeUndefined();
    expect(() => new Deployment(stakater as never).validate()).not.toThrow();
  });

  it('installs the pinned Reloader chart in place of Wave, watching the demo app namespace only', () => {
    const releases = helmReleases(STAKATER, { vaultDevRootToken: 'tok' });
    expect(releases.map((r) => r.name)).toEqual(['vault', 'external-secrets', 'reloader']);
    expect(releases[2]).toEqual({
      name: 'reloader', namespace: 'reloader', repoName: 'stakater', repoUrl: 'https://stakater.github.io/stakater-charts',
      chart: 'stakater/reloader', version: '2.2.16', valuesFile: 'manifests/values/reloader.yaml', set: { 'reloader.namespaces': 'vaultctl-demo' },
    });
    const custom = applyOverrides(STAKATER, { namespace: 'shop' });
    expect(helmReleases(custom, { vaultDevRootToken: 'tok' })[2].set).toEqual({ 'reloader.namespaces': 'shop' });
    expect(helmReleases(defaultStackConfig(), { vaultDevRootToken: 'tok' }).map((r) => r.name)).toEqual(['vault', 'external-secrets', 'wave']);
  });

  it("the values file sets the annotations strategy and scoped mode, and keeps reload-on-create off", () => {
    // Keys as stakater/Reloader@chart-v2.2.16 deployments/kubernetes/chart/reloader/values.yaml spells them.
    expect(parse(readFileSync(`${ROOT}manifests/values/reloader.yaml`, 'utf8'))).toEqual({
      reloader: {
        reloadStrategy: 'annotations', watchGlobally: false, reloadOnCreate: false, reloadOnDelete: false,
        syncAfterRestart: false, autoReloadAll: false, enableHA: false,
      },
    });
  });
});

describe('vaultctl bootstrap --dry-run --reloader stakater', () => {
  let state: ReturnType<typeof tempStateDir>;
  beforeEach(() => { state = tempStateDir(); });
  afterEach(() => state.remove());
  const titles = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.replace(/^## \d+\. /, ''));

  it('plans Reloader where Wave was (same steps otherwise), its namespace first, pinned, waited for', async () => {
    const wave = await runStackCommand(['bootstrap', '--dry-run'], { stateDir: state.dir });
    const run = await runStackCommand(['bootstrap', '--dry-run', '--reloader', 'stakater'], { stateDir: state.dir });
    expect(run.code).toBe(0);
    expect(run.runner.calls).toEqual([]);
    const [a, b] = [titles(wave.stdout), titles(run.stdout)];
    expect(b).toHaveLength(a.length);
    expect(b.filter((t, i) => t !== a[i])).toEqual([
      'Adding Helm repositories (hashicorp, external-secrets, stakater)',
      'Installing Stakater Reloader (stakater/reloader 2.2.16 in namespace reloader, watching namespace vaultctl-demo only)',
    ]);
    expect(run.stdout).toContain('$ helm upgrade --install reloader stakater/reloader --kube-context kind-vaultctl --namespace reloader ' +
      '--create-namespace --version 2.2.16 --values /opt/vaultctl/manifests/values/reloader.yaml --set reloader.namespaces=vaultctl-demo --wait --timeout 5m');
    expect(run.stdout).not.toMatch(/wave/i);
    // The chart's Role goes into the app namespace: it is applied before helm runs.
    const section = run.stdout.split('## ').find((s) => s.includes('Installing Stakater Reloader')) ?? '';
    expect(section.indexOf('kubectl --context kind-vaultctl apply')).toBeLessThan(section.indexOf('helm upgrade'));
    expect(section).toContain('kind: Namespace');
    const applied = parse(section.split('\n').filter((l) => l.startsWith('    |')).map((l) => l.replace(/^ {4}\| ?/, '')).join('\n'));
    expect(applied).toMatchObject({ kind: 'Namespace', metadata: { name: 'vaultctl-demo' } });
    expect(() => new Namespace(applied as never).validate()).not.toThrow();
    expectStackGolden('bootstrap-plan-reloader.txt', run.stdout);
  });

  it('VAULTCTL_RELOADER chooses it too; an unknown value exits 2 with the allowed ones and runs nothing', async () => {
    process.env.VAULTCTL_RELOADER = 'stakater';
    const byEnv = await runStackCommand(['bootstrap', '--dry-run'], { stateDir: state.dir }).finally(() => { delete process.env.VAULTCTL_RELOADER; });
    expect(byEnv.stdout).toContain('Installing Stakater Reloader');
    const bad = await runStackCommand(['bootstrap', '--reloader', 'both'], { stateDir: state.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown reloader "both" in --reloader');
    expect(bad.stderr).toContain('allowed: wave, stakater');
    expect(bad.runner.calls).toEqual([]);
  });
});
