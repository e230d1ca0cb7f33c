import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultStackConfig } from '../../../src/stack/config/index.js';
import type { KubeObject } from '../../../src/stack/manifests/index.js';
import type { StackConfig } from '../../../src/stack/stack-config.js';
import { BUNDLE, findOne, MODELS, ROOT } from './lab-strategy-support.js';
import {
  AGENT_CREDENTIALS_FILE, agentTemplateStrategy as strategy,
} from '../../../src/stack/strategies/agent-template.js';

const P = 'vault.hashicorp.com/';


const DEFAULTS = defaultStackConfig();
const CUSTOM: StackConfig = {
  ...DEFAULTS,
  charts: { ...DEFAULTS.charts, vault: { ...DEFAULTS.charts.vault, release: 'lab', namespace: 'secrets' } },
  vault: { ...DEFAULTS.vault, databaseMount: '/db-lab/', kubernetesAuthMount: 'k8s-lab', role: 'orders' },
};

const find = findOne;

/**
 * Renders the agent template the way consul-template would for this one shape, without a Go engine:
 * `{{- with secret "<path>" -}}…{{- end -}}` around `{{ .Data.<field> | toJSON }}` placeholders. Any
 * other action in the text throws: this renderer does not know it, so the test cannot vouch for it.
 */
function renderTemplate(text: string, secrets: Record<string, Record<string, string>>): string {
  const m = /^\{\{- with secret "([^"]+)" -\}\}(.*)\{\{- end -\}\}$/s.exec(text);
  if (!m) throw new Error(`not a single "with secret" block: ${text}`);
  const data = secrets[m[1]];
  if (!data) throw new Error(`no secret at ${m[1]}`);
  const placeholder = /\{\{ \.Data\.(\w+) \| toJSON \}\}/g;
  const leftover = m[2].replace(placeholder, '');
  if (/\{\{|\}\}/.test(leftover)) throw new Error(`unrendered template action in ${leftover}`);
  return m[2].replace(placeholder, (_all, field: string) => JSON.stringify(data[field]));
}

describe.each([['default config', DEFAULTS], ['customized config', CUSTOM]])('agent-template strategy (%s)', (_label, cfg) => {
  const objs = strategy.objects(cfg, { bundle: BUNDLE });
  const ns = strategy.namespace(cfg);
  const role = strategy.vaultRole(cfg);
  const dep = find(objs, 'Deployment');
  const pod = dep.spec.template.spec;
  const annotations: Record<string, string> = dep.spec.template.metadata.annotations;
  const vaultFullname = cfg.charts.vault.release === 'vault' ? 'vault' : `${cfg.charts.vault.release}-vault`;
  const credsPath = `${cfg.vault.databaseMount.replace(/^\/+|\/+$/g, '')}/creds/${cfg.vault.role}-agent-template`;

  it('every object validates with kubernetes-models, Namespace first, all in vaultctl-agent-template', () => {
    expect(ns).toBe('vaultctl-agent-template');
    expect(objs[0]).toMatchObject({ kind: 'Namespace', metadata: { name: ns } });
    expect(objs.map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'ConfigMap', 'Deployment', 'Service']);
    for (const o of objs) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${o.apiVersion}/${o.kind} has a model`).toBeDefined();
      expect(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
      if (o.kind !== 'Namespace') expect(o.metadata.namespace, o.kind).toBe(ns);
    }
  });

  it('the pod template carries the injector annotations, bound to the role, SA and creds path', () => {
    expect(annotations).toEqual({
      [`${P}agent-inject`]: 'true',
      [`${P}role`]: role.role,
      [`${P}auth-path`]: `auth/${cfg.vault.kubernetesAuthMount}`,
      [`${P}agent-cache-enable`]: 'true',
      [`${P}agent-inject-secret-db`]: credsPath,
      [`${P}agent-inject-template-db`]: expect.any(String),
      [`${P}agent-share-process-namespace`]: 'true',
      [`${P}agent-run-as-same-user`]: 'true',
      [`${P}agent-inject-command-db`]: "sh -c 'pkill -HUP node || true'",
    });
    expect(pod.serviceAccountName).toBe(role.serviceAccount);
    expect(find(objs, 'ServiceAccount').metadata.name).toBe(role.serviceAccount);
    expect(role.namespace).toBe(ns);
    // Wave must not roll this copy: rotations reach it as a file change and SIGHUP.
    expect(dep.metadata.annotations).toEqual({});
  });

  it('the app reads the file the agent writes, and its container states the UID the agent runs as', () => {
    const c = pod.containers[0];
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    // The injector writes agent-inject-secret-<name> to /vault/secrets/<name> and mounts it in every container.
    expect(env.CREDENTIALS_FILE).toBe('/vault/secrets/db');
    expect(AGENT_CREDENTIALS_FILE).toBe('/vault/secrets/db');
    expect(env).not.toHaveProperty('PGUSER');
    expect(env).not.toHaveProperty('PGPASSWORD');
    // vault-k8s rejects agent-run-as-same-user without containers[0].securityContext.runAsUser, or with 0.
    expect(c.securityContext.runAsUser).toBe(pod.securityContext.runAsUser);
    expect(c.securityContext.runAsUser).toBeGreaterThan(0);
    expect(find(objs, 'Service').spec.type).toBe('NodePort');
    expect(find(objs, 'Service').spec.ports[0].nodePort).toBe(cfg.appNodePort + 2);
  });

  it('the template renders the JSON {"username","password"} the demo app parses, escaping odd characters', () => {
    const text = annotations[`${P}agent-inject-template-db`];
    const creds = { username: 'v-kubernetes-orders-AbC123', password: 'p"a\\s}}s-{{x' };
    const rendered = renderTemplate(text, { [credsPath]: { ...creds, lease_id: 'ignored' } });
    expect(rendered).not.toContain('\n');
    expect(JSON.parse(rendered)).toEqual(creds);
  });

  it('the Vault role may read the creds path and renew its leases, nothing else', () => {
    expect(role).toEqual({
      role: 'vaultctl-agent-template', serviceAccount: 'demo-app', namespace: ns, policy: 'vaultctl-agent-template',
      paths: { [credsPath]: ['read'], 'sys/leases/renew': ['update'] },
    });
  });

  it('enables the injector on the Vault chart, waits for it and its webhook CA before the app, then the rollout', () => {
    expect(strategy.vaultChartSet(cfg)).toEqual({ 'injector.enabled': 'true' });
    expect(strategy.releases(cfg)).toEqual([]);
    const before = strategy.before(cfg).map((w) => w.kubectl.join(' '));
    expect(before[0]).toBe(`rollout status deployment/${vaultFullname}-agent-injector --namespace ${cfg.charts.vault.namespace} --timeout=${cfg.waits.intervalMs / 1000}s`);
    expect(before[1]).toContain(`mutatingwebhookconfiguration ${vaultFullname}-agent-injector-cfg`);
    expect(before[1]).toContain('--allow-missing-template-keys=false');
    const after = strategy.after(cfg).map((w) => w.kubectl.join(' '));
    expect(after[0]).toBe(`rollout status deployment/${dep.metadata.name} --namespace ${ns} --timeout=${cfg.waits.intervalMs / 1000}s`);
    expect(after[1]).toContain(`--selector ${Object.entries(dep.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',')}`);
    expect(after[1]).toContain('--for=jsonpath={.spec.containers[1].name}=vault-agent');
  });
});

it('the base values file disables the injector, so the strategy must enable it', () => {
  const values = parse(readFileSync(`${ROOT}manifests/values/vault.yaml`, 'utf8'));
  expect(values.injector.enabled).toBe(false);
});
