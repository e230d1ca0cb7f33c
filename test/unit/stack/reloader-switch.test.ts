import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runStackCommand, tempStateDir, emptyVault, type StackRun } from '../../support/stack-harness.js';
import { ESO_CHART, FakeCluster } from '../../support/fake-cluster.js';
import { RELOADER_SECRET_ANNOTATION, WAVE_ANNOTATION } from '../../../src/stack/manifests/reloader.js';
import { readState } from '../../../src/stack/state.js';

// Issue 12: re-running bootstrap with the other reloader uninstalls the one an earlier run
// installed and swaps the demo app's annotation; the state says which one is there; teardown
// removes whichever it is.

const CTX = 'shared';
let state: ReturnType<typeof tempStateDir>;
let cluster: FakeCluster;
beforeEach(() => { state = tempStateDir(); });
afterEach(() => state.remove());

async function bootstrap(...args: string[]): Promise<StackRun> {
  const run = await runStackCommand(['bootstrap', '--kube-context', CTX, ...args], {
    stateDir: state.dir, createVaultApi: () => emptyVault,
    script: (r) => { if (cluster) cluster.attach(r); else cluster = new FakeCluster(r, { 'external-secrets': ESO_CHART }); },
  });
  expect(run.stderr).not.toMatch(/✗/);
  expect(run.code).toBe(0);
  return run;
}

/** The annotations of the demo app Deployment as the run last applied it. */
function appliedAppAnnotations(run: StackRun): Record<string, string> | undefined {
  const docs = run.runner.calls.filter((c) => c.argv.includes('apply') && c.input?.includes('kind: Deployment'))
    .flatMap((c) => parseAllDocuments(c.input ?? '').map((d) => d.toJS()));
  return docs.filter((d) => d?.kind === 'Deployment' && d.metadata.namespace === 'vaultctl-demo').at(-1)?.metadata.annotations;
}

const saved = () => readState({ VAULTCTL_STATE_DIR: state.dir });
const releaseNames = async () => (await saved())?.releases.map((r) => r.name);

describe('bootstrap --reloader, switching an existing lab', () => {
  beforeEach(() => { cluster = undefined as unknown as FakeCluster; });

  it('wave -> stakater -> wave: the other controller goes, the annotation swaps, the state follows; teardown removes the one left', async () => {
    const first = await bootstrap();
    expect(appliedAppAnnotations(first)).toEqual({ [WAVE_ANNOTATION]: 'true' });
    expect(await saved()).toMatchObject({ reloader: 'wave' });
    expect(await releaseNames()).toContain('wave');

    const second = await bootstrap('--reloader', 'stakater');
    expect(second.stderr).toContain('✓ Removing Wave (replaced by Stakater Reloader; release wave/wave): removed helm release wave/wave, namespace wave');
    expect(appliedAppAnnotations(second)).toEqual({ [RELOADER_SECRET_ANNOTATION]: 'demo-app-db' });
    const lines = second.runner.lines();
    // Reloader is up before Wave goes, and before the app gets its annotation.
    const install = lines.findIndex((l) => l.startsWith('helm upgrade --install reloader stakater/reloader'));
    const uninstall = lines.indexOf(`helm uninstall wave --kube-context ${CTX} --namespace wave`);
    expect(install).toBeGreaterThan(-1);
    expect(uninstall).toBeGreaterThan(install);
    expect([...cluster.releases.keys()].sort()).toEqual(['external-secrets', 'reloader', 'vault']);
    expect(cluster.namespaces.has('wave')).toBe(false);
    const after = await saved();
    expect(after?.reloader).toBe('stakater');
    expect(after?.releases).toContainEqual({ name: 'reloader', namespace: 'reloader', chart: 'stakater/reloader', created: true });
    expect(after?.releases.map((r) => r.name)).not.toContain('wave');
    expect(after?.namespaces.map((n) => n.name)).not.toContain('wave');

    // Once switched, a re-run converges without a removal step.
    const again = await bootstrap('--reloader', 'stakater');
    expect(again.stderr).not.toContain('Removing ');

    const back = await bootstrap();
    expect(back.stderr).toContain('✓ Removing Stakater Reloader (replaced by Wave; release reloader/reloader): removed helm release reloader/reloader, namespace reloader');
    expect(appliedAppAnnotations(back)).toEqual({ [WAVE_ANNOTATION]: 'true' });
    expect(await saved()).toMatchObject({ reloader: 'wave' });

    await bootstrap('--reloader', 'stakater');
    const down = await runStackCommand(['teardown'], { stateDir: state.dir, script: (r) => cluster.attach(r) });
    expect(down.code).toBe(0);
    expect(down.runner.lines()).toContain(`helm uninstall reloader --kube-context ${CTX} --namespace reloader`);
    expect(down.runner.lines().some((l) => l.startsWith('helm uninstall wave'))).toBe(false);
    expect(cluster.releases.size).toBe(0);
    expect([...cluster.namespaces.keys()]).toEqual([]);
  });

  it('a Wave that was there before vaultctl is left alone; only the annotation changes', async () => {
    await bootstrap();
    // Make the recorded Wave one vaultctl found rather than created.
    const s = await saved();
    const { writeState } = await import('../../../src/stack/state.js');
    await writeState({ VAULTCTL_STATE_DIR: state.dir }, { ...s!, releases: s!.releases.map((r) => (r.name === 'wave' ? { ...r, created: false } : r)) });

    const run = await bootstrap('--reloader', 'stakater');
    expect(run.stderr).toContain('left alone: wave/wave was there before vaultctl; the demo app carries only Stakater Reloader\'s annotation');
    expect(run.runner.lines().some((l) => l.startsWith('helm uninstall'))).toBe(false);
    expect(cluster.releases.has('wave')).toBe(true);
    expect(appliedAppAnnotations(run)).toEqual({ [RELOADER_SECRET_ANNOTATION]: 'demo-app-db' });
  });
});
