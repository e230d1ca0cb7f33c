import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultStackConfig } from '../../../src/stack/config/index.js';
import { renderDemoApp } from '../../../src/stack/manifests/demo-app.js';
import { stackNames, type KubeObject } from '../../../src/stack/manifests/index.js';
import type { StackConfig } from '../../../src/stack/stack-config.js';
import { vsoStrategy } from '../../../src/stack/strategies/vso.js';
import { VSO_API_VERSION, VSO_CRDS } from '../../../src/stack/strategies/vso-names.js';
import { crdProblems } from './crd-schema.js';
import { BUNDLE, findOne, MODELS, ROOT } from './lab-strategy-support.js';


const DEFAULTS = defaultStackConfig();
const CUSTOM: StackConfig = {
  ...DEFAULTS,
  charts: { ...DEFAULTS.charts, vault: { ...DEFAULTS.charts.vault, release: 'lab', namespace: 'secrets' } },
  vault: { ...DEFAULTS.vault, databaseMount: '/db/', role: 'orders', kubernetesAuthMount: 'k8s-lab', policy: 'orders-read' },
};

const find = findOne;

describe.each([['default config', DEFAULTS], ['customized config', CUSTOM]])('vso strategy objects (%s)', (_label, cfg) => {
  const objs = vsoStrategy.objects(cfg, { bundle: BUNDLE });
  const ns = vsoStrategy.namespace(cfg);
  const n = stackNames(cfg);

  it('core kinds validate with kubernetes-models; VSO CRs match the VSO 1.4.1 CRD schemas field by field', () => {
    expect(objs.map((o) => o.kind)).toEqual([
      'Namespace', 'ServiceAccount', 'VaultConnection', 'VaultAuth', 'VaultDynamicSecret', 'ConfigMap', 'Deployment', 'Service',
    ]);
    for (const o of objs) {
      if (o.apiVersion === VSO_API_VERSION) {
        expect(crdProblems(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
        continue;
      }
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion}/${o.kind} has a model`).toBeDefined();
      expect(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
  });

  it('everything lives in vaultctl-vso, created by the Namespace that comes first', () => {
    expect(ns).toBe('vaultctl-vso');
    expect(objs[0]).toMatchObject({ kind: 'Namespace', metadata: { name: ns } });
    for (const o of objs.slice(1)) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(ns);
  });

  it('the references line up: VaultConnection ← VaultAuth (SA, role, mount) ← VDS → Secret → Deployment', () => {
    const conn = find(objs, 'VaultConnection');
    const auth = find(objs, 'VaultAuth');
    const vds = find(objs, 'VaultDynamicSecret');
    const sa = find(objs, 'ServiceAccount');
    const dep = find(objs, 'Deployment');
    const role = vsoStrategy.vaultRole(cfg);
    expect(conn.spec.address).toBe(n.vaultAddressInCluster);
    expect(conn.spec.address).toBe(`http://${n.vaultService}.${cfg.charts.vault.namespace}.svc:8200`);
    expect(auth.spec.vaultConnectionRef).toBe(conn.metadata.name);
    expect(auth.spec.method).toBe('kubernetes');
    expect(auth.spec.mount).toBe(cfg.vault.kubernetesAuthMount.replace(/^\/+|\/+$/g, ''));
    expect(auth.spec.kubernetes).toEqual({ role: role.role, serviceAccount: sa.metadata.name });
    expect(role).toMatchObject({ serviceAccount: sa.metadata.name, namespace: ns });
    expect(vds.spec.vaultAuthRef).toBe(auth.metadata.name);
    expect(`${vds.spec.mount}/${vds.spec.path}`).toBe(`${cfg.vault.databaseMount.replace(/^\/+|\/+$/g, '')}/creds/${cfg.vault.role}-vso`);
    expect(vds.spec.renewalPercent).toBeUndefined(); // the CRD default (67)
    expect(vds.spec.destination).toEqual({ name: n.appSecret, create: true });
    expect(vds.spec.rolloutRestartTargets).toEqual([{ kind: 'Deployment', name: dep.metadata.name }]);
    // The app reads the keys VSO writes (Vault's `data` keys, helpers/secrets.go) from the destination Secret.
    const refs = dep.spec.template.spec.containers[0].env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef]);
    expect(refs).toEqual([['PGUSER', { name: vds.spec.destination.name, key: 'username' }], ['PGPASSWORD', { name: vds.spec.destination.name, key: 'password' }]]);
  });

  it('the demo app copy: no Wave annotation (VSO alone rolls it), its own NodePort Service, the base lab untouched', () => {
    const dep = find(objs, 'Deployment');
    const svc = find(objs, 'Service');
    expect(dep.metadata.annotations).toEqual({});
    expect(dep.spec.template.metadata.annotations).toBeUndefined();
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports[0].nodePort).toBe(cfg.appNodePort + 1);
    expect(find(objs, 'ConfigMap').data).toEqual({ 'server.cjs': BUNDLE });
    const base = renderDemoApp(cfg, { bundle: BUNDLE });
    expect(find(base, 'Deployment').metadata.annotations).toEqual({ 'wave.pusher.com/update-on-config-change': 'true' });
    expect(find(base, 'Service').spec).toMatchObject({ type: 'NodePort', ports: [{ nodePort: cfg.appNodePort }] });
    expect(find(base, 'Deployment').metadata.namespace).toBe(cfg.namespace);
  });

  it('the Vault role: reads exactly the creds path; may revoke because the VDS has revoke: true', () => {
    const role = vsoStrategy.vaultRole(cfg);
    const vds = find(objs, 'VaultDynamicSecret');
    expect(role.role).toBe(find(objs, 'VaultAuth').spec.kubernetes.role);
    expect(role.policy).not.toBe(cfg.vault.policy);
    expect(vds.spec.revoke).toBe(true);
    expect(role.paths).toEqual({
      [`${vds.spec.mount}/creds/${cfg.vault.role}-vso`]: ['read'],
      'sys/leases/revoke': ['update'],
    });
  });

  it('waits: CRDs and controller before; the destination Secret and the rollout after', () => {
    const vds = find(objs, 'VaultDynamicSecret');
    const s = `--timeout=${cfg.waits.intervalMs / 1000}s`;
    expect(vsoStrategy.before(cfg).map((w) => w.kubectl)).toEqual([
      ['wait', '--for=condition=Established', ...VSO_CRDS.map((c) => `crd/${c}`), s],
      ['rollout', 'status', 'deployment/vault-secrets-operator-controller-manager', '-n', 'vault-secrets-operator', s],
    ]);
    expect(vsoStrategy.after(cfg).map((w) => w.kubectl)).toEqual([
      ['get', 'secret', vds.spec.destination.name, '-n', ns, '-o', 'name'],
      ['rollout', 'status', `deployment/${find(objs, 'Deployment').metadata.name}`, '-n', ns, s],
    ]);
    // Every CRD waited for is one whose kind the lab applies.
    const plural = (kind: string) => `${kind.toLowerCase()}s.${VSO_API_VERSION.split('/')[0]}`;
    expect(objs.filter((o) => o.apiVersion === VSO_API_VERSION).map((o) => plural(o.kind))).toEqual([...VSO_CRDS]);
  });
});

describe('vso chart', () => {
  it('one release of hashicorp/vault-secrets-operator 1.4.1 with its values file; nothing on the Vault chart', () => {
    const [r, ...rest] = vsoStrategy.releases(DEFAULTS);
    expect(rest).toEqual([]);
    expect(r).toEqual({
      name: 'vault-secrets-operator', namespace: 'vault-secrets-operator', repoName: 'hashicorp',
      repoUrl: 'https://helm.releases.hashicorp.com', chart: 'hashicorp/vault-secrets-operator', version: '1.4.1',
      valuesFile: 'manifests/values/vault-secrets-operator.yaml', set: {},
    });
    // Same repo name as the Vault chart: one `helm repo add`.
    expect(r.repoUrl).toBe(DEFAULTS.charts.vault.repo);
    expect(parse(readFileSync(`${ROOT}${r.valuesFile}`, 'utf8'))).toEqual({
      defaultVaultConnection: { enabled: false }, defaultAuthMethod: { enabled: false },
    });
    expect(vsoStrategy.vaultChartSet(DEFAULTS)).toEqual({});
  });
});

describe('the VSO CRD check is live (a broken object is rejected)', () => {
  const objs = vsoStrategy.objects(DEFAULTS, { bundle: BUNDLE });
  it('rejects an out-of-range renewalPercent, a bad restart kind, a misspelled field and a missing required key', () => {
    const vds = structuredClone(find(objs, 'VaultDynamicSecret'));
    vds.spec.renewalPercent = 95;
    vds.spec.rolloutRestartTargets[0].kind = 'Pod';
    vds.spec.destination.creat = true;
    delete vds.spec.mount;
    expect(crdProblems(vds)).toEqual([
      '/spec: missing required mount',
      '/spec/destination/creat: unknown field',
      '/spec/rolloutRestartTargets/0/kind: "Pod" is not one of ["Deployment","DaemonSet","StatefulSet","argo.Rollout"]',
      '/spec/renewalPercent: greater than 90',
    ]);
    const conn = structuredClone(find(objs, 'VaultConnection'));
    delete conn.spec.skipTLSVerify;
    expect(crdProblems(conn)).toEqual(['/spec: missing required skipTLSVerify']);
    const auth = structuredClone(find(objs, 'VaultAuth'));
    auth.spec.method = 'kubernetes-sa';
    auth.spec.kubernetes.tokenExpirationSeconds = 60;
    expect(crdProblems(auth)).toEqual([
      '/spec/method: "kubernetes-sa" is not one of ["kubernetes","jwt","appRole","aws","gcp"]',
      '/spec/kubernetes/tokenExpirationSeconds: less than 600',
    ]);
  });
});
