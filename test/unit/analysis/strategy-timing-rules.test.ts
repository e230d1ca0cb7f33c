import { describe, expect, it } from 'vitest';
import { timingRisks, type TimingRisk } from '../../../src/analysis/timing-risks.js';
import { parseScenario } from '../../../src/scenario/loader.js';

// Each delivery strategy's own timing rules (doctor --scenario, issue 11), against the numbers the
// strategies' timing functions give (src/strategies; facts: ../shared/reference/delivery-strategies.md).
const HEAD = 'apiVersion: vaultctl.dev/v1alpha1\nkind: Scenario\nmetadata: {name: s}\n';

function risks(yaml: string): TimingRisk[] {
  return timingRisks(parseScenario(`${HEAD}${yaml}`, 's.yaml'));
}
const ids = (r: TimingRisk[]) => r.map((x) => x.id);

describe('strategy timing rules', () => {
  it('vso: the overlap left by the capped renewal must outlast a rollout', () => {
    // 6 s lease, max TTL 10.8 s: renewals at 0 and 4.62 s (77 %); the one at 9.24 s is capped: 1.56 s left.
    const short = risks('database: {role: {defaultTtl: 6s, maxTtl: 10800ms}}\ndelivery: {strategy: vso}\n' +
      'workload: {replicas: 3}\nload: {duration: 20s}\n');
    const vso = short.find((r) => r.id === 'vso-overlap-short');
    expect(vso).toMatchObject({ severity: 'danger', path: 'database.role.maxTtl' });
    expect(vso!.message).toMatch(/1\.56s before the old lease dies/);
    // Max TTL 15 s: the capped renewal comes at 9.24 s with 5.76 s left, longer than the rollout.
    const ok = risks('database: {role: {defaultTtl: 6s, maxTtl: 15s}}\ndelivery: {strategy: vso}\n' +
      'workload: {replicas: 3}\nload: {duration: 20s}\n');
    expect(ids(ok)).not.toContain('vso-overlap-short');
  });

  it('init-renewer: max TTL inside the run is a danger, beyond it none', () => {
    const dies = risks('database: {role: {defaultTtl: 6s, maxTtl: 15s}}\ndelivery: {strategy: init-renewer}\nload: {duration: 20s, warmUp: 2s}\n');
    expect(dies.find((r) => r.id === 'renewer-max-ttl')?.message).toContain('max TTL 15s, shorter than the run (22s)');
    const lives = risks('database: {role: {defaultTtl: 6s, maxTtl: 1h}}\ndelivery: {strategy: init-renewer}\nload: {duration: 20s}\n');
    expect(ids(lives)).not.toContain('renewer-max-ttl');
  });

  it('agent-template + signal under a shell: the shell exits on SIGHUP', () => {
    const base = 'delivery: {strategy: agent-template, via: file, pickup: signal}\nload: {duration: 20s}\n';
    const shell = risks(`${base}workload: {command: [/bin/sh, -c, "node app.js"]}\n`);
    expect(shell.find((r) => r.id === 'signal-to-shell')).toMatchObject({ severity: 'danger', path: 'workload.command' });
    expect(ids(risks(`${base}workload: {command: [node, app.js]}\n`))).not.toContain('signal-to-shell');
    const reread = 'delivery: {strategy: agent-template, via: file, pickup: reread}\nload: {duration: 20s}\n';
    expect(ids(risks(`${reread}workload: {command: [sh, -c, "node app.js"]}\n`))).not.toContain('signal-to-shell');
  });

  it('static-role: ESO refreshing slower than the rotation is a danger; other carriers warn of their gap', () => {
    const eso = risks('delivery: {strategy: static-role, rotationPeriod: 10s, carrier: secret-sync-restart, refreshInterval: 15s}\nload: {duration: 20s}\n');
    expect(eso.find((r) => r.id === 'static-pickup-gap')).toMatchObject({ severity: 'danger', path: 'delivery.refreshInterval' });
    const vso = risks('delivery: {strategy: static-role, rotationPeriod: 10s, carrier: vso}\nload: {duration: 20s}\n');
    const gap = vso.find((r) => r.id === 'static-pickup-gap');
    expect(gap).toMatchObject({ severity: 'warning', path: 'delivery.carrier' });
    expect(gap!.message).toContain('up to 500ms later');
  });

  it('vault-env: replicas started together restart together unless their starts are spread', () => {
    const together = risks('database: {role: {defaultTtl: 6s, maxTtl: 15s}}\ndelivery: {strategy: vault-env}\nworkload: {replicas: 3}\nload: {duration: 20s}\n');
    expect(together.find((r) => r.id === 'vault-env-restart-together')).toMatchObject({ severity: 'danger', path: 'delivery.startSpread' });
    const spread = risks('database: {role: {defaultTtl: 6s, maxTtl: 15s}}\ndelivery: {strategy: vault-env, startSpread: 10s}\n' +
      'workload: {replicas: 3}\nload: {duration: 20s}\n');
    expect(ids(spread)).not.toContain('vault-env-restart-together');
  });

  it('csi: credentials fetched once die inside the run, unless rotation fetches again', () => {
    const once = risks('database: {role: {defaultTtl: 6s, maxTtl: 15s}}\ndelivery: {strategy: csi, via: file}\nload: {duration: 20s}\n');
    expect(once.find((r) => r.id === 'csi-credentials-die')?.message).toContain('die after 15s');
    const rotating = risks('database: {role: {defaultTtl: 6s, maxTtl: 15s}}\n' +
      'delivery: {strategy: csi, via: file, enableSecretRotation: true, rotationPollInterval: 4s, agentCache: false}\n' +
      'load: {duration: 20s}\n');
    expect(ids(rotating)).not.toContain('csi-credentials-die');
    // Upstream's 2 min poll with the agent cache: dead from max TTL (15 s) to the poll at 120 s.
    const rare = risks('database: {role: {defaultTtl: 6s, maxTtl: 15s}}\n' +
      'delivery: {strategy: csi, via: file, enableSecretRotation: true}\nload: {duration: 20s}\n');
    expect(rare.find((r) => r.id === 'csi-credentials-die')!.message).toContain('dead for 1.75m');
  });

  it('csi with the agent cache: a poll that comes after the cached lease died leaves a gap', () => {
    // 6 s lease, max TTL 15 s, polls every 4 s: the agent keeps the lease to 15 s, the next poll is at 16 s.
    const gap = risks('database: {role: {defaultTtl: 6s, maxTtl: 15s}}\n' +
      'delivery: {strategy: csi, via: file, enableSecretRotation: true, rotationPollInterval: 4s}\nload: {duration: 20s}\n');
    expect(gap.find((r) => r.id === 'csi-credentials-die')).toMatchObject({ path: 'delivery.rotationPollInterval' });
    expect(gap.find((r) => r.id === 'csi-credentials-die')!.message).toContain('dead for 1s');
    const noAgent = risks('database: {role: {defaultTtl: 6s, maxTtl: 15s}}\n' +
      'delivery: {strategy: csi, via: file, enableSecretRotation: true, rotationPollInterval: 4s, agentCache: false}\nload: {duration: 20s}\n');
    expect(ids(noAgent)).not.toContain('csi-credentials-die');
  });
});
