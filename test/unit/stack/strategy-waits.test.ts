import { describe, expect, it } from 'vitest';
import { defaultStackConfig } from '../../../src/stack/config/index.js';
import { createStackContext } from '../../../src/stack/bootstrap/context.js';
import { labWaitStep } from '../../../src/stack/bootstrap/steps-strategy.js';
import { ExternalError } from '../../../src/errors/errors.js';
import { createTestRuntime } from '../../support/test-runtime.js';
import { FakeCommandRunner } from '../../support/fake-command-runner.js';
import { AGENT_STAND_IN } from '../../support/lab-strategy-stand-ins.js';

// A strategy's waits (LabWait): its kubectl command polled every waits.interval until exit 0, or an
// error after waits.timeout carrying the last command and output (stack/bootstrap/wait.ts pollUntil).

function context(runner: FakeCommandRunner) {
  let t = 0;
  const ctx = createStackContext({
    cfg: defaultStackConfig(), runner, secrets: createTestRuntime({}).secrets, log: () => {}, strategies: [AGENT_STAND_IN],
    io: {
      createVaultApi: () => { throw new Error('unused'); }, now: () => t, sleep: async (ms) => { t += ms; },
      packageFile: (p) => p, readDemoAppBundle: async () => '',
    },
  });
  return { ctx, elapsed: () => t };
}

const injector = labWaitStep(AGENT_STAND_IN, (c) => AGENT_STAND_IN.before(c.cfg)[0]);
const COMMAND = 'kubectl --context kind-vaultctl rollout status deployment/vault-agent-injector --namespace vault --timeout=2s';

describe('a strategy wait step', () => {
  it('polls its kubectl command (with a per-attempt --timeout) until it exits 0', async () => {
    const runner = new FakeCommandRunner();
    let attempts = 0;
    runner.on(['kubectl', 'rollout', 'status'], () => (++attempts < 3 ? { exitCode: 1, stderr: 'Waiting for deployment rollout to finish' } : {}));
    const { ctx, elapsed } = context(runner);
    expect(injector.title(ctx)).toBe('Waiting for Vault agent injector (agent-template, every 2s, up to 5m)');
    await injector.run(ctx);
    expect(runner.lines()).toEqual([COMMAND, COMMAND, COMMAND]);
    expect(elapsed()).toBe(4000);
  });

  it('fails after waits.timeout with the last command and its output', async () => {
    const runner = new FakeCommandRunner();
    runner.on(['kubectl', 'rollout', 'status'], { exitCode: 1, stderr: 'error: deployments.apps "vault-agent-injector" not found' });
    const { ctx, elapsed } = context(runner);
    const err = await injector.run(ctx).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect(err).toMatchObject({ message: 'Vault agent injector was not ready after 5m', command: COMMAND });
    expect((err as ExternalError).output).toContain('"vault-agent-injector" not found');
    expect(elapsed()).toBeGreaterThanOrEqual(298_000);
    expect(elapsed()).toBeLessThanOrEqual(300_000);
  });
});
