import { describe, expect, it } from 'vitest';
import { useDoctorOnKubeDouble } from '../../support/doctor-on-kube-double.js';
import { defaultStackConfig } from '../../../src/stack/config/normalize.js';
import type { StackContext } from '../../../src/stack/bootstrap/context.js';
import { printDiagnostics } from '../../../src/stack/bootstrap/diagnostics.js';

/**
 * The pod template labels of the Wave chart 4.5.0 for a release: "wave-labels.chart" in
 * wave-k8s/wave@wave-4.5.0 charts/wave/templates/_helpers.tpl (app = chart name, release, heritage),
 * used by templates/deployment.yaml for the pod template. The container is named "<release>-wave".
 */
function wavePod(release: string, name: string, ready: boolean) {
  return {
    metadata: { name, namespace: 'wave', labels: { app: 'wave', release, heritage: 'Helm' } },
    spec: { containers: [{ name: `${release}-wave` }] },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

/**
 * ESO chart 2.9.0 pods: "external-secrets.labels" and its webhook/cert-controller variants
 * (external-secrets/external-secrets@helm-chart-2.9.0 deploy/charts/external-secrets/templates/_helpers.tpl).
 */
function esoPod(release: string, component: '' | '-webhook' | '-cert-controller', name: string) {
  return {
    metadata: {
      name, namespace: 'external-secrets',
      labels: {
        'helm.sh/chart': 'external-secrets-2.9.0', 'app.kubernetes.io/name': `external-secrets${component}`,
        'app.kubernetes.io/instance': release, 'app.kubernetes.io/version': 'v2.9.0', 'app.kubernetes.io/managed-by': 'Helm',
      },
    },
    spec: { containers: [{ name: component ? component.slice(1) : 'external-secrets' }] },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const PODS = '/api/v1/namespaces/wave/pods';
const ESO_PODS = '/api/v1/namespaces/external-secrets/pods';

describe("the lab's pod selectors against pods labelled as each chart labels them (kube double)", () => {
  const d = useDoctorOnKubeDouble();
  const context = d.context;
  const waveCheck = (ctx: StackContext) => d.check(ctx, 'Wave ');

  it("doctor's Wave check finds the chart's pods by app/release; the old app.kubernetes.io/instance selector finds none", async () => {
    d.double.put(PODS, wavePod('wave', 'wave-wave-6d9f8c7b5-x2k4q', true));
    // Another release in the same namespace is not the lab's Wave.
    d.double.put(PODS, wavePod('wave-canary', 'wave-canary-wave-5c8d7-abcde', false));
    const ctx = context();

    expect(await waveCheck(ctx).run(ctx)).toEqual({ ok: true, detail: '1 ready' });
    expect(d.runner.lines).toContain('kubectl --context kind-vaultctl get pods --namespace wave --selector app=wave,release=wave --ignore-not-found --output json');
    const old = await d.runner.run(['kubectl', 'get', 'pods', '--namespace', 'wave', '--selector', 'app.kubernetes.io/instance=wave', '--output', 'json']);
    expect(JSON.parse(old.stdout).items).toEqual([]);
  });

  it('a Wave pod that is not Ready fails the check and names the pod; no pod at all says which selector found nothing', async () => {
    const ctx = context();
    expect(await waveCheck(ctx).run(ctx)).toEqual({ ok: false, detail: 'no pods match app=wave,release=wave' });
    d.double.put(PODS, wavePod('wave', 'wave-wave-6d9f8c7b5-x2k4q', false));
    expect(await waveCheck(ctx).run(ctx)).toEqual({ ok: false, detail: 'not ready: wave-wave-6d9f8c7b5-x2k4q' });
  });

  it('follows the release name of the lab config (the chart labels release: <name>)', async () => {
    const base = defaultStackConfig();
    const cfg = { ...base, charts: { ...base.charts, wave: { ...base.charts.wave, release: 'wave-lab' } } };
    d.double.put(PODS, wavePod('wave-lab', 'wave-lab-wave-7f6b9-pq8rs', true));
    d.double.put(PODS, wavePod('wave', 'wave-wave-6d9f8c7b5-x2k4q', false));
    const ctx = context(cfg);
    expect(await waveCheck(ctx).run(ctx)).toEqual({ ok: true, detail: '1 ready' });
  });

  it("a failed Wave step prints the Wave pod's logs", async () => {
    d.double.put(PODS, wavePod('wave', 'wave-wave-6d9f8c7b5-x2k4q', false));
    d.runner.podLogs.set('wave-wave-6d9f8c7b5-x2k4q', ['I1130 10:00:00.000000 1 main.go:80] Starting Wave controller', 'E1130 10:00:01.000000 1 leaderelection.go:1] error retrieving lease']);
    await printDiagnostics(context(), 'wave');

    const logs = d.logged.find((l) => l.startsWith('--- logs of app=wave,release=wave (namespace wave) ---'));
    expect(logs).toBeDefined();
    expect(logs).toContain('  [pod/wave-wave-6d9f8c7b5-x2k4q/wave-wave] E1130 10:00:01.000000 1 leaderelection.go:1] error retrieving lease');
    expect(logs).not.toContain('No resources found');
  });

  it("a failed ESO step prints the logs of all three of the chart's Deployments", async () => {
    const names = { '': 'external-secrets-7d4b9-aaaaa', '-webhook': 'external-secrets-webhook-5f6c8-bbbbb', '-cert-controller': 'external-secrets-cert-controller-6b7d9-ccccc' } as const;
    for (const [component, name] of Object.entries(names)) {
      d.double.put(ESO_PODS, esoPod('external-secrets', component as keyof typeof names, name));
      d.runner.podLogs.set(name, [`log line of ${name}`]);
    }
    // Another ESO release in the namespace is not the lab's.
    d.double.put(ESO_PODS, esoPod('other-eso', '', 'other-eso-external-secrets-1-ddddd'));
    d.runner.podLogs.set('other-eso-external-secrets-1-ddddd', ['not ours']);
    await printDiagnostics(context(), 'eso');

    const logs = d.logged.find((l) => l.startsWith('--- logs of app.kubernetes.io/instance=external-secrets (namespace external-secrets) ---')) ?? '';
    for (const name of Object.values(names)) expect(logs).toContain(`log line of ${name}`);
    expect(logs).not.toContain('not ours');
  });
});
