import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../../src/errors/errors.js';
import { ExitCode } from '../../../src/errors/exit-codes.js';
import { applyOverrides, defaultStackConfig, loadLabConfig, parseLabConfig } from '../../../src/stack/config/index.js';
import type { StackConfig } from '../../../src/stack/stack-config.js';

const EXAMPLE = fileURLToPath(new URL('../../../manifests/vaultctl.example.yaml', import.meta.url));
const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: LabConfig\n';

/** Parses text that must be invalid; returns its issues as `line:col path: message`. */
function issuesOf(text: string): string[] {
  try {
    parseLabConfig(text, 'lab.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(ExitCode.InvalidConfig);
    expect((err as ConfigError).message).toMatch(/^invalid lab config/);
    return (err as ConfigError).issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`);
  }
  throw new Error('parsed but should be invalid');
}

const H = 60 * 60_000;
const EXPECTED_DEFAULTS: StackConfig = {
  clusterName: 'vaultctl',
  namespace: 'vaultctl-demo',
  appHostPort: 8080,
  appNodePort: 30080,
  vaultHostPort: 8200,
  vaultNodePort: 30200,
  charts: {
    vault: { repo: 'https://helm.releases.hashicorp.com', chart: 'hashicorp/vault', version: '0.34.1', namespace: 'vault', release: 'vault' },
    eso: { repo: 'https://charts.external-secrets.io', chart: 'external-secrets/external-secrets', version: '2.9.0', namespace: 'external-secrets', release: 'external-secrets' },
    wave: { repo: 'https://wave-k8s.github.io/wave/', chart: 'wave-k8s/wave', version: '4.5.0', namespace: 'wave', release: 'wave' },
    reloader: { repo: 'https://stakater.github.io/stakater-charts', chart: 'stakater/reloader', version: '2.2.16', namespace: 'reloader', release: 'reloader' },
  },
  reloader: 'wave',
  postgres: { image: 'postgres:17', namespace: 'vaultctl-db', database: 'app' },
  vault: {
    databaseMount: 'database', role: 'app', connection: 'app-db', defaultTtlMs: H, maxTtlMs: 24 * H,
    kubernetesAuthMount: 'kubernetes', authRole: 'eso-db', policy: 'db-app', tokenTtlMs: H,
  },
  eso: { refreshIntervalMs: 60_000, serviceAccount: 'vaultctl-eso' },
  app: { replicas: 3, maxSurge: 1, maxUnavailable: 0, preStopMs: 5000, terminationGracePeriodMs: 30_000, querySleepMs: 5, image: 'node:20-alpine' },
  strategies: ['secret-sync-restart'],
  waits: { timeoutMs: 5 * 60_000, intervalMs: 2000 },
};

describe('lab config defaults', () => {
  it('no file means every documented default', async () => {
    expect(await loadLabConfig(undefined, () => Promise.reject(new Error('must not read')))).toEqual(EXPECTED_DEFAULTS);
    expect(defaultStackConfig()).toEqual(EXPECTED_DEFAULTS);
  });

  it('a file with only apiVersion and kind is all defaults', () => {
    expect(parseLabConfig(HEAD, 'lab.yaml')).toEqual(EXPECTED_DEFAULTS);
  });

  it('manifests/vaultctl.example.yaml loads and spells out exactly the defaults', async () => {
    expect(await loadLabConfig(EXAMPLE)).toEqual(EXPECTED_DEFAULTS);
  });

  it('a partial file keeps the defaults of everything else', () => {
    const cfg = parseLabConfig(`${HEAD}namespace: lab\napp:\n  replicas: 5\n  preStop: 0\neso:\n  refreshInterval: 30s\n`, 'lab.yaml');
    expect(cfg).toEqual({
      ...EXPECTED_DEFAULTS,
      namespace: 'lab',
      app: { ...EXPECTED_DEFAULTS.app, replicas: 5, preStopMs: 0 },
      eso: { ...EXPECTED_DEFAULTS.eso, refreshIntervalMs: 30_000 },
    });
  });
});

describe('lab config errors', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('a missing file that was named explicitly is a usage error', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vaultctl-labcfg-'));
    const err = await loadLabConfig(join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain('config file not found');
  });

  it('reports unknown keys at every depth, with a suggestion, at line:col', () => {
    expect(issuesOf(`${HEAD}namespce: x\ncharts:\n  vault:\n    versoin: 1.0.0\napp:\n  replicas: 2\n  prestop: 1s\n`)).toEqual([
      '3:1 namespce: unknown key "namespce" (did you mean "namespace"?)',
      '6:5 charts.vault.versoin: unknown key "versoin" (did you mean "version"?)',
      '9:3 app.prestop: unknown key "prestop" (did you mean "preStop"?)',
    ]);
  });

  it('reports bad values at the value, all at once', () => {
    expect(issuesOf(`${HEAD}namespace: Not_A_Label\nappNodePort: 8080\nvault:\n  defaultTtl: 10\napp:\n  replicas: two\n`)).toEqual([
      '3:12 namespace: must be lower-case letters, digits and "-", starting and ending with a letter or digit',
      '4:14 appNodePort: must be in the NodePort range 30000-32767',
      '6:15 vault.defaultTtl: expected a duration with a unit, e.g. 10ms or 10s (only 0 may omit it)',
      '8:13 app.replicas: expected number, received string',
    ]);
  });

  it('image references: registries, ports, paths, tags and digests pass; whitespace and newlines do not', () => {
    for (const image of ['postgres:17', 'docker.io/library/postgres:17.2-alpine', 'localhost:5000/team/pg',
      `registry.example.com/pg@sha256:${'a'.repeat(64)}`, 'node:20-alpine']) {
      expect(parseLabConfig(`${HEAD}postgres:\n  image: ${JSON.stringify(image)}\n`, 'lab.yaml').postgres.image).toBe(image);
    }
    const message = 'must be an image reference without whitespace, e.g. postgres:17 or registry.example.com:5000/team/postgres:17';
    // A double-quoted YAML string can carry a newline: it would land inside a manifest.
    expect(issuesOf(`${HEAD}postgres:\n  image: "postgres:17\\n    command: [sh]"\napp:\n  image: node 20\n`)).toEqual([
      `4:10 postgres.image: ${message}`,
      `6:10 app.image: ${message}`,
    ]);
    expect(issuesOf(`${HEAD}postgres:\n  image: Postgres:17\n`)).toEqual([`4:10 postgres.image: ${message}`]);
    expect(issuesOf(`${HEAD}postgres:\n  image: ""\n`)).toEqual([`4:10 postgres.image: ${message}`]);
  });

  it('checks the header before anything else', () => {
    expect(issuesOf('apiVersion: v1\nkind: Scenario\nbogus: 1\n')).toEqual([
      '1:13 apiVersion: unsupported apiVersion "v1": expected vaultctl.dev/v1alpha1',
      '2:7 kind: unsupported kind "Scenario": expected LabConfig',
    ]);
  });

  it('reports YAML syntax errors and empty files', () => {
    expect(issuesOf(`${HEAD}app: [\n`)[0]).toMatch(/YAML syntax error/);
    expect(issuesOf('')[0]).toMatch(/^1:1 : the file is empty/);
  });

  it('enforces cross-field rules where the key is (or at its parent map when defaulted)', () => {
    expect(issuesOf(`${HEAD}vaultHostPort: 8080\nvault:\n  defaultTtl: 2h\napp:\n  preStop: 1500ms\n  maxSurge: 0\n`)).toEqual([
      '3:16 vaultHostPort: must differ from appHostPort (both are 8080)',
      '5:3 vault.tokenTtl: must be at least vault.defaultTtl: leases are revoked when the ESO login token that created them expires',
      '7:3 app.maxUnavailable: maxSurge and maxUnavailable cannot both be 0',
      '7:12 app.preStop: must be whole seconds (e.g. 5s)',
    ]);
    expect(issuesOf(`${HEAD}eso:\n  refreshInterval: 0\n`)[0]).toContain('eso.refreshInterval: must be greater than 0');
  });

  it('keeps the strategies\' app port ranges (appHostPort..+3, appNodePort..+3) clear of Vault\'s ports and inside the port ranges', () => {
    const copies = "hold one port per strategy's demo app copy (secret-sync-restart, vso, agent-template, csi, in this order)";
    expect(issuesOf(`${HEAD}vaultHostPort: 8083\nvaultNodePort: 30081\n`)).toEqual([
      `3:16 vaultHostPort: must be outside appHostPort..appHostPort+3 (8080-8083), which ${copies}`,
      `4:16 vaultNodePort: must be outside appNodePort..appNodePort+3 (30080-30083), which ${copies}`,
    ]);
    expect(issuesOf(`${HEAD}appHostPort: 65533\nappNodePort: 32765\n`)).toEqual([
      `3:14 appHostPort: must be at most 65532: appHostPort..appHostPort+3 (65533-65536) ${copies}`,
      `4:14 appNodePort: must be at most 32764 (NodePort range 30000-32767): appNodePort..appNodePort+3 (32765-32768) ${copies}`,
    ]);
    // The edges: the last ports that fit, Vault just below and just above the ranges.
    expect(parseLabConfig(`${HEAD}appHostPort: 65532\nappNodePort: 32764\nvaultHostPort: 65531\nvaultNodePort: 30000\n`, 'lab.yaml').appHostPort).toBe(65532);
    expect(parseLabConfig(`${HEAD}vaultHostPort: 8084\nvaultNodePort: 30079\n`, 'lab.yaml').vaultHostPort).toBe(8084);
  });
});

describe('applyOverrides', () => {
  it('applies given values, ignores undefined ones and leaves the input unchanged', () => {
    const base = defaultStackConfig();
    const out = applyOverrides(base, { clusterName: 'ci', kubeContext: 'kind-ci', appHostPort: 18080, namespace: undefined });
    expect(out).toEqual({ ...EXPECTED_DEFAULTS, clusterName: 'ci', kubeContext: 'kind-ci', appHostPort: 18080 });
    expect(base).toEqual(EXPECTED_DEFAULTS);
    expect(applyOverrides(base, { postgresNamespace: 'db' }).postgres.namespace).toBe('db');
  });

  it('rejects bad values and conflicts as usage errors', () => {
    expect(() => applyOverrides(defaultStackConfig(), { appNodePort: 80 })).toThrow(UsageError);
    expect(() => applyOverrides(defaultStackConfig(), { namespace: 'UPPER' })).toThrow(/invalid namespace "UPPER"/);
    expect(() => applyOverrides(defaultStackConfig(), { appHostPort: 8200 })).toThrow(/vaultHostPort must differ from appHostPort/);
    expect(() => applyOverrides(defaultStackConfig(), { appHostPort: 8197 })).toThrow(/vaultHostPort must be outside appHostPort\.\.appHostPort\+3 \(8197-8200\)/);
    expect(() => applyOverrides(defaultStackConfig(), { appNodePort: 32767 })).toThrow(/appNodePort must be at most 32764/);
  });
});
