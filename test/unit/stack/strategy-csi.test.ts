import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultStackConfig } from '../../../src/stack/config/index.js';
import { stackNames, type KubeObject } from '../../../src/stack/manifests/index.js';
import type { StackConfig } from '../../../src/stack/stack-config.js';
import {
  CSI_DRIVER_DAEMONSET, CSI_MOUNT_PATH, CSI_OBJECT_NAME, CSI_PROVIDER_CLASS, CSI_SERVICE_ACCOUNT, csiStrategy,
} from '../../../src/stack/strategies/csi.js';
import { roleWrites } from '../../../src/stack/vault-config.js';
import { crdProblems } from './crd-schema.js';
import { BUNDLE, findOne, MODELS, ROOT } from './lab-strategy-support.js';

/** The fields of one `objects` entry the provider reads (hashicorp/vault-csi-provider@v1.7.4 internal/config/config.go `Secret`). */
const PROVIDER_OBJECT_FIELDS = ['objectName', 'secretPath', 'secretKey', 'method', 'secretArgs', 'filePermission', 'encoding'];

const DEFAULTS = defaultStackConfig();
const CUSTOM: StackConfig = {
  ...DEFAULTS,
  charts: { ...DEFAULTS.charts, vault: { ...DEFAULTS.charts.vault, release: 'lab', namespace: 'secrets' } },
  vault: { ...DEFAULTS.vault, databaseMount: '/db/', role: 'orders', kubernetesAuthMount: 'k8s', authRole: 'shop', policy: 'shop-read' },
};

const one = findOne;

describe.each([['default config', DEFAULTS], ['customized config', CUSTOM]])('csi lab strategy (%s)', (_label, cfg) => {
  const objs = csiStrategy.objects(cfg, { bundle: BUNDLE });
  const ns = csiStrategy.namespace(cfg);
  const role = csiStrategy.vaultRole(cfg);
  const db = cfg.vault.databaseMount.replace(/^\/+|\/+$/g, '');

  it('core kinds validate with kubernetes-models, the SecretProviderClass against the CSI driver 1.6.0 CRD schema', () => {
    expect(objs[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'vaultctl-csi' } });
    for (const o of objs) {
      if (o.kind === 'Namespace') expect(o.metadata.namespace).toBeUndefined();
      else expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(ns);
      if (o.apiVersion === 'secrets-store.csi.x-k8s.io/v1') {
        expect(crdProblems(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
        continue;
      }
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion}/${o.kind} has a model`).toBeDefined();
      expect(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
    expect(objs.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Namespace', 'SecretProviderClass', 'Service', 'ServiceAccount']);
  });

  it('the SecretProviderClass reads the database creds once, as the Vault role, from the in-cluster Vault', () => {
    const spc = one(objs, 'SecretProviderClass');
    expect(spc.metadata.name).toBe(CSI_PROVIDER_CLASS);
    expect(spc.spec.provider).toBe('vault');
    expect(spc.spec.secretObjects).toBeUndefined();
    const { objects, ...params } = spc.spec.parameters as Record<string, string>;
    expect(params).toEqual({
      vaultAddress: stackNames(cfg).vaultAddressInCluster,
      roleName: role.role,
      vaultKubernetesMountPath: cfg.vault.kubernetesAuthMount,
    });
    const entries = parse(objects) as Record<string, unknown>[];
    expect(entries).toEqual([{ objectName: CSI_OBJECT_NAME, secretPath: `${db}/creds/${cfg.vault.role}-csi`, method: 'GET' }]);
    for (const e of entries) for (const k of Object.keys(e)) expect(PROVIDER_OBJECT_FIELDS).toContain(k);
  });

  it('the demo app copy runs as the bound service account and reads the mounted file, polling it; no Secret, no Wave; its own NodePort', () => {
    const dep = one(objs, 'Deployment');
    const pod = dep.spec.template.spec;
    expect(dep.metadata.annotations).toEqual({});
    expect(pod.serviceAccountName).toBe(CSI_SERVICE_ACCOUNT);
    expect(one(objs, 'ServiceAccount').metadata.name).toBe(CSI_SERVICE_ACCOUNT);
    const vol = pod.volumes.find((v: { csi?: unknown }) => v.csi);
    expect(vol.csi).toEqual({ driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: CSI_PROVIDER_CLASS } });
    const [c] = pod.containers;
    expect(c.volumeMounts).toContainEqual({ name: vol.name, mountPath: CSI_MOUNT_PATH, readOnly: true });
    const env = Object.fromEntries(c.env.map((e: { name: string; value?: string }) => [e.name, e.value ?? 'from-ref']));
    expect(env.CREDENTIALS_FILE).toBe(`${CSI_MOUNT_PATH}/${CSI_OBJECT_NAME}`);
    expect(Number(env.CREDENTIALS_POLL_MS)).toBeGreaterThan(0);
    expect(env).not.toHaveProperty('PGUSER');
    expect(env).not.toHaveProperty('PGPASSWORD');
    const svc = one(objs, 'Service');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports[0].nodePort).toBe(cfg.appNodePort + 3);
  });

  it('its Vault role is bound to the service account and namespace, with a policy that reads the creds', () => {
    expect(role).toMatchObject({ serviceAccount: CSI_SERVICE_ACCOUNT, namespace: ns });
    expect(role.paths).toEqual({ [`${db}/creds/${cfg.vault.role}-csi`]: ['read'] });
    const [policy, binding] = roleWrites(cfg, role);
    expect(policy.body.policy).toContain(`path "${db}/creds/${cfg.vault.role}-csi"`);
    expect(binding).toMatchObject({
      path: `auth/${cfg.vault.kubernetesAuthMount}/role/${role.role}`,
      body: { bound_service_account_names: [CSI_SERVICE_ACCOUNT], bound_service_account_namespaces: ['vaultctl-csi'], token_policies: [role.policy] },
    });
    expect(role.role).not.toBe(cfg.vault.authRole);
  });

  it('waits for the CRD and both DaemonSets (named as the charts name them) before, the rollout after', () => {
    const vaultDs = cfg.charts.vault.release === 'vault' ? 'vault-csi-provider' : `${cfg.charts.vault.release}-vault-csi-provider`;
    expect(csiStrategy.before(cfg).map((w) => w.kubectl)).toEqual([
      ['wait', '--for=condition=Established', 'crd/secretproviderclasses.secrets-store.csi.x-k8s.io'],
      ['rollout', 'status', 'daemonset/secrets-store-csi-driver', '-n', 'kube-system'],
      ['rollout', 'status', `daemonset/${vaultDs}`, '-n', cfg.charts.vault.namespace],
    ]);
    expect(csiStrategy.after(cfg).map((w) => w.kubectl)).toEqual([['rollout', 'status', 'deployment/demo-app', '-n', 'vaultctl-csi']]);
  });
});

describe('csi charts', () => {
  it('installs Secrets Store CSI driver 1.6.0 in kube-system, rotation on every 30s, tokens for audience vault, no synced Secrets', () => {
    const [driver, ...more] = csiStrategy.releases(DEFAULTS);
    expect(more).toEqual([]);
    expect(driver).toMatchObject({
      name: CSI_DRIVER_DAEMONSET, namespace: 'kube-system', version: '1.6.0',
      repoUrl: 'https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts', chart: 'secrets-store-csi-driver/secrets-store-csi-driver',
    });
    expect(driver.chart.startsWith(`${driver.repoName}/`)).toBe(true);
    const values = parse(readFileSync(`${ROOT}${driver.valuesFile}`, 'utf8')) as Record<string, unknown>;
    expect(values).toEqual({ enableSecretRotation: true, rotationPollInterval: '30s', tokenRequests: [{ audience: 'vault' }], syncSecret: { enabled: false } });
  });

  it('turns on the Vault chart\'s CSI provider, without the agent the SPC\'s vaultAddress would bypass', () => {
    expect(csiStrategy.vaultChartSet(DEFAULTS)).toEqual({ 'csi.enabled': 'true', 'csi.agent.enabled': 'false' });
  });
});
