import { describe, expect, it } from 'vitest';
import { useDoctorOnKubeDouble } from '../../support/doctor-on-kube-double.js';
import { defaultStackConfig } from '../../../src/stack/config/normalize.js';
import type { StackContext } from '../../../src/stack/bootstrap/context.js';
import { componentChecks } from '../../../src/stack/health.js';
import { printDiagnostics } from '../../../src/stack/bootstrap/diagnostics.js';

/**
 * A Reloader pod as chart 2.2.16 labels it for a release: "reloader-labels.chart" in
 * stakater/Reloader@chart-v2.2.16 deployments/kubernetes/chart/reloader/templates/_helpers.tpl —
 * `app: <release>-reloader` (the fullname), `release`, `app.kubernetes.io/name: reloader` (the
 * chart name), `app.kubernetes.io/instance: <release>`, chart/heritage/version labels — which
 * templates/deployment.yaml puts on the pod template. Its container is named after the fullname.
 */
function reloaderPod(release: string, name: string, ready: boolean) {
  return {
    metadata: {
      name, namespace: 'reloader',
      labels: {
        app: `${release}-reloader`, release, 'app.kubernetes.io/name': 'reloader', 'app.kubernetes.io/instance': release,
        'helm.sh/chart': 'reloader-2.2.16', chart: 'reloader-2.2.16', heritage: 'Helm',
        'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/version': 'v1.4.21',
      },
    },
    spec: { containers: [{ name: `${release}-reloader` }] },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const PODS = '/api/v1/namespaces/reloader/pods';
const SELECTOR = 'app.kubernetes.io/name=reloader,app.kubernetes.io/instance=reloader';

describe("doctor and diagnostics find Stakater Reloader's pods by the chart's labels (kube double)", () => {
  const d = useDoctorOnKubeDouble();
  const context = d.context;
  const titles = (ctx: StackContext) => componentChecks(ctx).map((c) => c.title);
  const reloaderCheck = (ctx: StackContext) => d.check(ctx, 'Stakater Reloader ');

  it('checks the reloader the state records, else the configured one, never both', () => {
    expect(titles(context()).filter((t) => /Wave|Reloader/.test(t))).toEqual(['Wave wave: pods ready']);
    expect(titles(context(undefined, { reloader: 'stakater' })).filter((t) => /Wave|Reloader/.test(t))).toEqual(['Stakater Reloader reloader: pods ready']);
    expect(titles(context({ ...defaultStackConfig(), reloader: 'stakater' })).filter((t) => /Wave|Reloader/.test(t))).toEqual(['Stakater Reloader reloader: pods ready']);
    // A state file says what is installed, whatever the config says now.
    expect(titles(context({ ...defaultStackConfig(), reloader: 'stakater' }, { reloader: 'wave' })).filter((t) => /Wave|Reloader/.test(t))).toEqual(['Wave wave: pods ready']);
  });

  it("finds the lab's release's pods, not another release's in the namespace, and names a pod that is not Ready", async () => {
    const ctx = context(undefined, { reloader: 'stakater' });
    expect(await reloaderCheck(ctx).run(ctx)).toEqual({ ok: false, detail: `no pods match ${SELECTOR}` });
    d.double.put(PODS, reloaderPod('reloader', 'reloader-reloader-7c9d8b6f5-k2j4m', true));
    d.double.put(PODS, reloaderPod('reloader-canary', 'reloader-canary-reloader-6b5-xxxxx', false));
    expect(await reloaderCheck(ctx).run(ctx)).toEqual({ ok: true, detail: '1 ready' });
    expect(d.runner.lines).toContain(`kubectl --context kind-vaultctl get pods --namespace reloader --selector ${SELECTOR} --ignore-not-found --output json`);
    d.double.put(PODS, reloaderPod('reloader', 'reloader-reloader-7c9d8b6f5-zz9yy', false));
    expect(await reloaderCheck(ctx).run(ctx)).toEqual({ ok: false, detail: 'not ready: reloader-reloader-7c9d8b6f5-zz9yy' });
  });

  it("a failed Reloader step prints the Reloader pod's logs", async () => {
    d.double.put(PODS, reloaderPod('reloader', 'reloader-reloader-7c9d8b6f5-k2j4m', false));
    d.runner.podLogs.set('reloader-reloader-7c9d8b6f5-k2j4m', ['time="2026-11-30T10:00:00Z" level=info msg="Environment: Kubernetes"',
      'time="2026-11-30T10:00:01Z" level=fatal msg="secrets is forbidden"']);
    await printDiagnostics(context({ ...defaultStackConfig(), reloader: 'stakater' }), 'reloader');
    const logs = d.logged.find((l) => l.startsWith(`--- logs of ${SELECTOR} (namespace reloader) ---`));
    expect(logs).toContain('  [pod/reloader-reloader-7c9d8b6f5-k2j4m/reloader-reloader] time="2026-11-30T10:00:01Z" level=fatal msg="secrets is forbidden"');
  });
});
