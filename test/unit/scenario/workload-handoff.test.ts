import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors.js';
import { parseScenario } from '../../../src/scenario/loader.js';
import { fillPlaceholders } from '../../../src/scenario/placeholders.js';
import { databaseUrl } from '../../../src/targets/local/workload-env.js';

const HEAD = `apiVersion: vaultctl.dev/v1alpha1
kind: Scenario
metadata: {name: byo}
load: {duration: 10s}
`;

function issuesOf(text: string): ConfigError['issues'] {
  try {
    parseScenario(text, 'byo.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the hand-off to a user\'s workload', () => {
  it('fills {{port}}, {{host}}, {{databaseUrl}} and {{credentialsFile}}, spaces allowed, everything else left as written', () => {
    const values = { port: '4100', host: '127.0.0.1', databaseUrl: 'postgres://u:p@127.0.0.1:5432/app', credentialsFile: '/c.json' };
    expect(fillPlaceholders('--listen={{host}}:{{ port }}', values)).toBe('--listen=127.0.0.1:4100');
    expect(fillPlaceholders('{{databaseUrl}}?sslmode=disable {{credentialsFile}} $PORT', values))
      .toBe('postgres://u:p@127.0.0.1:5432/app?sslmode=disable /c.json $PORT');
  });

  it('builds DATABASE_URL from the PG* variables, percent-encoding user and password', () => {
    expect(databaseUrl({ PGHOST: '127.0.0.1', PGPORT: '5433', PGDATABASE: 'app', PGUSER: 'v-root-x', PGPASSWORD: 'a/b@c:d' }))
      .toBe('postgres://v-root-x:a%2Fb%40c%3Ad@127.0.0.1:5433/app');
    expect(databaseUrl({ PGHOST: '127.0.0.1', PGPORT: '5433', PGDATABASE: 'app' })).toBe('postgres://127.0.0.1:5433/app');
  });

  it('refuses an unknown placeholder, and {{credentialsFile}} without via: file, at file:line:col (exit 104)', () => {
    const issues = issuesOf(`${HEAD}workload:
  command: [server, --port, "{{prot}}"]
  env:
    CONFIG: "{{credentialsFile}}"
`);
    expect(issues).toEqual([
      expect.objectContaining({ line: 6, col: 29, path: 'workload.command[2]', message: expect.stringMatching(/^unknown placeholder \{\{prot\}\}; known: \{\{port\}\}/) }),
      expect.objectContaining({ line: 8, col: 13, path: 'workload.env.CONFIG', message: expect.stringContaining('needs delivery.via: file') }),
    ]);
    expect(() => parseScenario(`${HEAD}delivery: {via: file}\nworkload: {command: [server, "{{credentialsFile}}"]}\n`, 'byo.yaml')).not.toThrow();
  });

  it('warns, at file:line:col, about demo-app knobs set next to a custom command', () => {
    const s = parseScenario(`${HEAD}workload:
  command: [server]
  gracefulDrain: true
  pool: {max: 3}
`, 'byo.yaml');
    expect(s.warnings).toEqual([
      expect.objectContaining({ line: 7, col: 18, path: 'workload.gracefulDrain', message: expect.stringContaining('only tells `vaultctl doctor`') }),
      expect.objectContaining({ line: 8, col: 9, path: 'workload.pool', message: expect.stringContaining('demo app only') }),
    ]);
    expect(parseScenario(`${HEAD}workload: {gracefulDrain: true, pool: {max: 3}}\n`, 'byo.yaml').warnings).toBeUndefined();
  });
});
