import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { VaultDynamicSecret } from '@kubernetes-models/external-secrets/generators.external-secrets.io/v1alpha1/VaultDynamicSecret';
import { applyOverrides, defaultStackConfig } from '../../../src/stack/config/index.js';
import {
  helmReleases, renderAllManifests, renderKindConfig, stackNames, toYaml, type KubeObject,
} from '../../../src/stack/manifests/index.js';
import type { StackConfig } from '../../../src/stack/stack-config.js';
import { POSTGRES_INIT_CONFIGMAP, POSTGRES_INIT_FILE } from '../../../src/stack/manifests/postgres.js';
import { DEFAULT_DATABASE_SETUP, DEMO_TABLE } from '../../../src/scenario/schema.js';
import { crdProblems } from './crd-schema.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GOLDEN = `${ROOT}test/golden/stack/manifests.yaml`;
const ADMIN_PASSWORD = 'pg-admin-S3cret-7f1d';
const BUNDLE = '// demo app bundle placeholder\nrequire("node:http");\n';

/** The model class that validates each rendered kind (kubernetes-models / @kubernetes-models/external-secrets). */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace, 'v1/Secret': Secret, 'v1/Service': Service, 'v1/ConfigMap': ConfigMap,
  'v1/ServiceAccount': ServiceAccount, 'apps/v1/Deployment': Deployment, 'apps/v1/StatefulSet': StatefulSet,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
  'generators.external-secrets.io/v1alpha1/VaultDynamicSecret': VaultDynamicSecret,
};
const NAMESPACED = new Set(Object.keys(MODELS).filter((k) => k !== 'v1/Namespace'));

const DEFAULTS = defaultStackConfig();
const CUSTOM = applyOverrides(
  { ...DEFAULTS, postgres: { ...DEFAULTS.postgres, database: 'orders' }, charts: { ...DEFAULTS.charts, vault: { ...DEFAULTS.charts.vault, release: 'lab', namespace: 'secrets' } } },
  { clusterName: 'ci', namespace: 'shop', postgresNamespace: 'shop', appHostPort: 18080, appNodePort: 31080, vaultHostPort: 18200, vaultNodePort: 31200 },
);

const render = (cfg: StackConfig) => renderAllManifests(cfg, { adminPassword: ADMIN_PASSWORD, bundle: BUNDLE });
const find = (objs: KubeObject[], kind: string, name?: string) => {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0] as KubeObject & Record<string, any>;
};
const podSpec = (o: Record<string, any>) => o.spec.template.spec;

describe.each([['default config', DEFAULTS], ['customized config', CUSTOM]])('rendered manifests (%s)', (_label, cfg) => {
  const objs = render(cfg);

  it('every object validates against the Kubernetes and ESO schemas', () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toHaveLength(new Set(objs.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).size);
    for (const o of objs) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion}/${o.kind} has a model`).toBeDefined();
      expect(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
  });

  it('the ESO objects also match the ESO 2.9.0 CRD schemas field by field (no unknown fields)', () => {
    for (const o of objs.filter((x) => x.apiVersion.includes('external-secrets.io'))) {
      expect(crdProblems(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
    }
  });

  it('namespaced objects all have a namespace, created by a Namespace object that comes first', () => {
    const namespaces = objs.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(objs.slice(0, namespaces.length).every((o) => o.kind === 'Namespace')).toBe(true);
    expect(new Set(namespaces).size).toBe(namespaces.length);
    for (const o of objs.filter((x) => NAMESPACED.has(`${x.apiVersion}/${x.kind}`))) {
      expect(namespaces, `${o.kind}/${o.metadata.name}`).toContain(o.metadata.namespace);
    }
    expect(find(objs, 'StatefulSet').metadata.namespace).toBe(cfg.postgres.namespace);
    expect(find(objs, 'Deployment').metadata.namespace).toBe(cfg.namespace);
  });

  it('the admin password appears only in the admin Secret, and is read from it by reference', () => {
    const secret = find(objs, 'Secret');
    expect(secret.stringData).toEqual({ username: 'vaultadmin', password: ADMIN_PASSWORD });
    const others = objs.filter((o) => o !== secret);
    expect(toYaml(others)).not.toContain(ADMIN_PASSWORD);
    expect(JSON.stringify(renderKindConfig(cfg)) + JSON.stringify(helmReleases(cfg, { vaultDevRootToken: 'tok' }))).not.toContain(ADMIN_PASSWORD);
    const env = podSpec(find(objs, 'StatefulSet')).containers[0].env;
    expect(env.find((e: any) => e.name === 'POSTGRES_PASSWORD')).toEqual({
      name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: secret.metadata.name, key: 'password' } },
    });
    expect(env.every((e: any) => e.value === undefined || !/password/i.test(e.name))).toBe(true);
  });

  it('the references line up: generator ← ExternalSecret → Secret → Deployment; SA; ConfigMap', () => {
    const n = stackNames(cfg);
    const gen = find(objs, 'VaultDynamicSecret');
    const es = find(objs, 'ExternalSecret');
    const sa = find(objs, 'ServiceAccount');
    const dep = find(objs, 'Deployment');
    expect(es.spec.dataFrom[0].sourceRef.generatorRef).toEqual({ apiVersion: gen.apiVersion, kind: gen.kind, name: gen.metadata.name });
    expect(es.metadata.namespace).toBe(gen.metadata.namespace);
    expect(gen.spec.provider.auth.kubernetes).toEqual({ mountPath: cfg.vault.kubernetesAuthMount, role: cfg.vault.authRole, serviceAccountRef: { name: sa.metadata.name } });
    expect(sa.metadata).toMatchObject({ name: cfg.eso.serviceAccount, namespace: gen.metadata.namespace });
    expect(gen.spec.path).toBe(`${cfg.vault.databaseMount}/creds/${cfg.vault.role}`);
    expect(gen.spec.provider.server).toBe(`http://${n.vaultService}.${cfg.charts.vault.namespace}.svc:8200`);
    const container = podSpec(dep).containers[0];
    const refs = container.env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]);
    expect(refs).toEqual([['PGUSER', es.spec.target.name, 'username'], ['PGPASSWORD', es.spec.target.name, 'password']]);
    expect(dep.metadata.annotations).toEqual({ 'wave.pusher.com/update-on-config-change': 'true' });
    const cm = find(objs, 'ConfigMap', n.appConfigMap);
    expect(cm.data).toEqual({ 'server.cjs': BUNDLE });
    expect(podSpec(dep).volumes).toEqual([{ name: 'code', configMap: { name: cm.metadata.name } }]);
    expect(container.command).toEqual(['node', `${container.volumeMounts[0].mountPath}/server.cjs`]);
  });

  it('the Deployment carries the config: replicas, rolling update, preStop, grace period, demo app env', () => {
    const dep = find(objs, 'Deployment');
    const c = podSpec(dep).containers[0];
    expect(dep.spec.replicas).toBe(cfg.app.replicas);
    expect(dep.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: cfg.app.maxSurge, maxUnavailable: cfg.app.maxUnavailable } });
    expect(podSpec(dep).terminationGracePeriodSeconds).toBe(cfg.app.terminationGracePeriodMs / 1000);
    expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', String(cfg.app.preStopMs / 1000)] } } });
    expect(c.image).toBe(cfg.app.image);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    const env = Object.fromEntries(c.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      HOST: '0.0.0.0', PGHOST: `postgres.${cfg.postgres.namespace}.svc.cluster.local`, PGPORT: '5432',
      PGDATABASE: cfg.postgres.database, QUERY_SLEEP_MS: String(cfg.app.querySleepMs), GRACEFUL_DRAIN: '1',
    });
    // Every variable set is one the demo app documents in its env contract.
    const contract = readFileSync(`${ROOT}src/demo-app/server.ts`, 'utf8').split('Routes:')[0];
    for (const e of c.env) expect(contract, e.name).toMatch(new RegExp(`\\b${e.name}\\b`));
    expect(Number(env.DRAIN_TIMEOUT_MS)).toBeLessThan(cfg.app.terminationGracePeriodMs - cfg.app.preStopMs);
  });

  it('Postgres creates the demo table at first start (init script), the table the demo app reads', () => {
    const init = find(objs, 'ConfigMap', POSTGRES_INIT_CONFIGMAP);
    expect(init.metadata.namespace).toBe(cfg.postgres.namespace);
    expect(init.data).toEqual({ [POSTGRES_INIT_FILE]: `${DEFAULT_DATABASE_SETUP.join('\n')}\n` });
    const pod = podSpec(find(objs, 'StatefulSet'));
    const volume = pod.volumes.find((v: any) => v.configMap?.name === POSTGRES_INIT_CONFIGMAP);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume.name, mountPath: '/docker-entrypoint-initdb.d', readOnly: true });
    // The image runs only *.sql, *.sql.gz, *.sh... files; anything else would be ignored.
    expect(POSTGRES_INIT_FILE).toMatch(/\.sql$/);
    const env = podSpec(find(objs, 'Deployment')).containers[0].env;
    expect(env).toContainEqual({ name: 'DEMO_TABLE', value: DEMO_TABLE });
    expect(init.data[POSTGRES_INIT_FILE]).toContain(`CREATE TABLE IF NOT EXISTS ${DEMO_TABLE} `);
  });

  it('ports agree between the config, kind, the Services, the containers and helm', () => {
    const kind = renderKindConfig(cfg) as any;
    expect(kind.name).toBe(cfg.clusterName);
    const mappings = kind.nodes[0].extraPortMappings;
    const svc = find(objs, 'Service', 'demo-app');
    const dep = find(objs, 'Deployment');
    const c = podSpec(dep).containers[0];
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports[0].nodePort).toBe(cfg.appNodePort);
    expect(mappings).toContainEqual({ containerPort: svc.spec.ports[0].nodePort, hostPort: cfg.appHostPort, listenAddress: '127.0.0.1', protocol: 'TCP' });
    const vaultSet = helmReleases(cfg, { vaultDevRootToken: 'tok' })[0].set;
    expect(mappings).toContainEqual({ containerPort: Number(vaultSet['server.service.nodePort']), hostPort: cfg.vaultHostPort, listenAddress: '127.0.0.1', protocol: 'TCP' });
    // The demo app copy of each of the 4 lab strategies (test/unit/stack/strategy-ports.test.ts), and Vault.
    expect(mappings).toHaveLength(5);
    // Named targetPorts resolve to the container's port, which is the PORT the app listens on.
    const http = c.ports.find((p: any) => p.name === svc.spec.ports[0].targetPort);
    expect(String(http.containerPort)).toBe(c.env.find((e: any) => e.name === 'PORT').value);
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    expect(dep.spec.template.metadata.labels).toMatchObject(dep.spec.selector.matchLabels);
    const pgSvc = find(objs, 'Service', 'postgres');
    const pg = find(objs, 'StatefulSet');
    expect(pgSvc.spec.selector).toEqual(pg.spec.selector.matchLabels);
    expect(pg.spec.template.metadata.labels).toMatchObject(pg.spec.selector.matchLabels);
    expect(podSpec(pg).containers[0].ports.find((p: any) => p.name === pgSvc.spec.ports[0].targetPort).containerPort).toBe(5432);
    expect(pgSvc.spec.ports[0].port).toBe(Number(c.env.find((e: any) => e.name === 'PGPORT').value));
  });
});

describe('schema checks are live (a broken object is rejected)', () => {
  const objs = render(DEFAULTS);
  it('kubernetes-models rejects a wrong type', () => {
    const dep = structuredClone(find(objs, 'Deployment'));
    dep.spec.replicas = 'three';
    expect(() => new Deployment(dep as never).validate()).toThrow(/replicas/);
  });
  it('the CRD check rejects a misspelled or unknown field and a bad enum', () => {
    const gen = structuredClone(find(objs, 'VaultDynamicSecret'));
    gen.spec.provider.auth.kubernetes.serviceAccountRefs = gen.spec.provider.auth.kubernetes.serviceAccountRef;
    gen.spec.resultType = 'Everything';
    expect(crdProblems(gen)).toEqual([
      '/spec/resultType: "Everything" is not one of ["Data","Auth","Raw"]',
      '/spec/provider/auth/kubernetes/serviceAccountRefs: unknown field',
    ]);
  });
});

describe('golden YAML', () => {
  it('renderAllManifests with fixed inputs matches test/golden/stack/manifests.yaml (UPDATE_GOLDEN=1 rewrites)', () => {
    const objs = render(DEFAULTS);
    const text = toYaml(objs);
    // The stream parses back to exactly the objects.
    const docs = parseAllDocuments(text);
    expect(docs.every((d) => d.errors.length === 0)).toBe(true);
    expect(docs.map((d) => d.toJS())).toEqual(objs);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(`${ROOT}test/golden/stack`, { recursive: true });
      writeFileSync(GOLDEN, text);
    }
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});

describe('files under manifests/', () => {
  it('manifests/kind.yaml is the kind config of the default lab config', () => {
    expect(parse(readFileSync(`${ROOT}manifests/kind.yaml`, 'utf8'))).toEqual(renderKindConfig(DEFAULTS));
  });

  it('helmReleases: install order, chart coordinates, values files and per-run values', () => {
    const releases = helmReleases(DEFAULTS, { vaultDevRootToken: 'hvs-lab-123' });
    expect(releases.map((r) => [r.name, r.namespace, r.repoName, r.repoUrl, r.chart, r.version, r.valuesFile])).toEqual([
      ['vault', 'vault', 'hashicorp', 'https://helm.releases.hashicorp.com', 'hashicorp/vault', '0.34.1', 'manifests/values/vault.yaml'],
      ['external-secrets', 'external-secrets', 'external-secrets', 'https://charts.external-secrets.io', 'external-secrets/external-secrets', '2.9.0', 'manifests/values/external-secrets.yaml'],
      ['wave', 'wave', 'wave-k8s', 'https://wave-k8s.github.io/wave/', 'wave-k8s/wave', '4.5.0', 'manifests/values/wave.yaml'],
    ]);
    expect(releases.map((r) => r.set)).toEqual([{ 'server.dev.devRootToken': 'hvs-lab-123', 'server.service.nodePort': '30200' }, {}, {}]);
    const values = releases.map((r) => parse(readFileSync(`${ROOT}${r.valuesFile}`, 'utf8')));
    expect(values[0]).toEqual({
      server: { dev: { enabled: true }, service: { type: 'NodePort' }, authDelegator: { enabled: true } },
      injector: { enabled: false },
    });
    expect(values[1]).toEqual({ installCRDs: true });
    expect(values[2]).toMatchObject({ webhooks: { enabled: false } });
    // No file fixes the root token: it only ever comes from the caller.
    for (const r of releases) expect(readFileSync(`${ROOT}${r.valuesFile}`, 'utf8')).not.toMatch(/devRootToken:/);
  });

  it('helmReleases refuses a root token helm --set would mangle', () => {
    expect(() => helmReleases(DEFAULTS, { vaultDevRootToken: 'a,b=c' })).toThrow(/root token may only contain/);
    expect(() => helmReleases(DEFAULTS, { vaultDevRootToken: '' })).toThrow();
  });
});
