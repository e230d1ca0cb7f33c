import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KIND_NODE_IMAGE, KIND_VERSION, renderKindConfig } from '../../../src/stack/manifests/kind.js';
import { defaultStackConfig } from '../../../src/stack/config/normalize.js';
import { chartPodSelector } from '../../../src/stack/manifests/chart-pods.js';
import { keepCluster, retainArgs } from '../../e2e/keep-cluster.js';
import { LAB_STRATEGY_NAMES } from '../../../src/stack/strategies/names.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Step { name?: string; if?: string; run?: string; uses?: string; env?: Record<string, string> }
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: Step[]; strategy?: { 'fail-fast'?: boolean; matrix: Record<string, string[]> } }>;
}

const workflow = parse(readFileSync(`${ROOT}.github/workflows/e2e.yml`, 'utf8')) as Workflow;
const steps = workflow.jobs.kind.steps;
const index = (pred: (s: Step) => boolean) => steps.findIndex(pred);
/** The env a step runs with: workflow, then job, then step (GitHub Actions' precedence). */
const envOf = (s: Step) => ({ ...workflow.env, ...workflow.jobs.kind.env, ...s.env });

describe('.github/workflows/e2e.yml keeps a failed run\'s cluster for the state dump, then deletes it', () => {
  const suites = steps.filter((s) => s.run?.includes('VAULTCTL_E2E=1'));
  const dump = index((s) => s.name === 'Cluster state on failure');
  const remove = index((s) => s.name === 'Delete kind clusters');

  it('runs the e2e suites with VAULTCTL_E2E_KEEP=on-failure, so their afterAll leaves a failed cluster', () => {
    expect(suites.map((s) => s.run)).toEqual([
      expect.stringContaining('test/e2e/bootstrap.e2e.test.ts'),
      expect.stringContaining('test/e2e/rotate-test.e2e.test.ts'),
    ]);
    for (const s of suites) {
      expect(envOf(s).VAULTCTL_E2E_KEEP).toBe('on-failure');
      expect(keepCluster(envOf(s), true)).toBe(true);
      // A passing suite deletes its cluster: the next suite maps the same host ports.
      expect(keepCluster(envOf(s), false)).toBe(false);
      expect(retainArgs(envOf(s))).toEqual(['--retain']);
    }
  });

  it('dumps state after every suite and only on failure, then deletes every kind cluster in a last `if: always()` step', () => {
    const lastSuite = Math.max(...suites.map((s) => steps.indexOf(s)));
    expect(dump).toBeGreaterThan(lastSuite);
    expect(steps[dump].if).toBe('failure()');
    expect(steps[dump].run).toContain('kind get clusters');
    expect(steps[dump].run).not.toContain('kind delete');
    // The dump selects Wave's and ESO's pods as doctor and diagnostics do (by each chart's labels).
    for (const chart of ['wave', 'eso'] as const) expect(steps[dump].run).toContain(` -l ${chartPodSelector(defaultStackConfig(), chart)} `);

    expect(remove).toBe(steps.length - 1);
    expect(remove).toBeGreaterThan(dump);
    expect(steps[remove].if).toBe('always()');
    expect(steps[remove].run).toMatch(/for cluster in \$\(kind get clusters\); do\s+kind delete cluster --name "\$\{cluster\}"/);
  });

  it('installs the kind release that built the pinned node image and pulls that image before the suites', () => {
    expect(workflow.env.KIND_VERSION).toBe(KIND_VERSION);
    expect(workflow.env.KIND_NODE_IMAGE).toBe(KIND_NODE_IMAGE);
    const pull = index((s) => s.run === 'docker pull "${KIND_NODE_IMAGE}"');
    expect(pull).toBeGreaterThan(-1);
    expect(pull).toBeLessThan(Math.min(...suites.map((s) => steps.indexOf(s))));
  });
});

describe('.github/workflows/e2e.yml runs every lab strategy as a matrix job', () => {
  const job = workflow.jobs.strategies;
  const at = (pred: (s: Step) => boolean) => job.steps.findIndex(pred);

  it('one job per strategy the lab installs besides the base lab, none cancelling the others', () => {
    expect([...job.strategy!.matrix.strategy].sort()).toEqual(LAB_STRATEGY_NAMES.filter((n) => n !== 'secret-sync-restart').sort());
    expect(job.strategy!['fail-fast']).toBe(false);
    // Each strategy has its scenario for the suite to run.
    for (const name of job.strategy!.matrix.strategy) expect(existsSync(`${ROOT}scenarios/k8s-${name}.yaml`)).toBe(true);
  });

  it('bootstrap -> rotate-test -> report for the matrix strategy, then the state dump on failure and the delete', () => {
    const suite = at((s) => s.run?.includes('test/e2e/strategy.e2e.test.ts') ?? false);
    expect(job.steps[suite].run).toContain('VAULTCTL_E2E_STRATEGY=${{ matrix.strategy }}');
    expect({ ...workflow.env, ...job.env }.VAULTCTL_E2E_KEEP).toBe('on-failure');
    expect(at((s) => s.run === 'docker pull "${KIND_NODE_IMAGE}"')).toBeLessThan(suite);
    const dump = at((s) => s.name === 'Cluster state on failure');
    expect(dump).toBeGreaterThan(suite);
    expect(job.steps[dump].if).toBe('failure()');
    expect(job.steps[dump].run).toContain('vaultctl-${{ matrix.strategy }}');
    expect(at((s) => s.name === 'Delete kind clusters')).toBe(job.steps.length - 1);
    expect(job.steps.at(-1)!.if).toBe('always()');
  });
});

describe('the kind node image', () => {
  it('is Kubernetes 1.34 pinned by digest, in the kind config bootstrap renders', () => {
    expect(KIND_NODE_IMAGE).toMatch(/^kindest\/node:v1\.34\.\d+@sha256:[0-9a-f]{64}$/);
    const nodes = renderKindConfig(defaultStackConfig()).nodes as { role: string; image?: string }[];
    expect(nodes.map((n) => n.image)).toEqual([KIND_NODE_IMAGE]);
  });
});

describe('keepCluster (VAULTCTL_E2E_KEEP)', () => {
  it.each<[string | undefined, boolean, boolean]>([
    [undefined, false, false], [undefined, true, false],
    ['1', false, true], ['1', true, true],
    ['on-failure', false, false], ['on-failure', true, true],
    ['0', true, false],
  ])('VAULTCTL_E2E_KEEP=%s, failed=%s: keep=%s', (mode, failed, keep) => {
    expect(keepCluster(mode === undefined ? {} : { VAULTCTL_E2E_KEEP: mode }, failed)).toBe(keep);
  });

  it('passes --retain to bootstrap only when the cluster may be kept', () => {
    expect(retainArgs({})).toEqual([]);
    expect(retainArgs({ VAULTCTL_E2E_KEEP: '1' })).toEqual(['--retain']);
  });
});
