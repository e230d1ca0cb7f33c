import { describe, expect, it } from 'vitest';
import { createExecaRunner } from '../../../src/adapters/execa-runner.js';
import { CommandNotFoundError, ExternalCommandError } from '../../../src/ports/command-runner.js';
import { SecretRegistry } from '../../../src/errors/redact.js';

const node = process.execPath;

describe('execa command runner (real processes)', () => {
  it('passes stdin, captures stdout and stderr, never uses a shell', async () => {
    const runner = createExecaRunner({ secrets: new SecretRegistry() });
    const r = await runner.run([node, '-e', 'process.stdin.pipe(process.stdout); console.error("e")', '$HOME; echo no-shell'], { input: 'from stdin' });
    expect(r).toEqual({ exitCode: 0, stdout: 'from stdin', stderr: 'e\n' });
  });

  it('a non-zero exit throws with the redacted command line and output; allowFailure resolves', async () => {
    const secrets = new SecretRegistry();
    secrets.add('s3cret-token-value');
    const runner = createExecaRunner({ secrets });
    const argv = [node, '-e', 'console.error("bad token " + process.argv[1]); process.exit(3)', 's3cret-token-value'];
    const err = await runner.run(argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalCommandError);
    const e = err as ExternalCommandError;
    expect(e.exitCode).toBe(4);
    expect(e.commandExitCode).toBe(3);
    expect(e.command).toMatch(/ \*\*\*$/);
    expect(e.output).toBe('bad token ***');
    expect(`${e.message}${e.command}${e.output}`).not.toContain('s3cret-token-value');
    expect((await runner.run(argv, { allowFailure: true })).exitCode).toBe(3);
  });

  it('a missing program is a CommandNotFoundError (exit 3), even with allowFailure', async () => {
    const runner = createExecaRunner({ secrets: new SecretRegistry() });
    const err = await runner.run(['vaultctl-no-such-program-xyz', 'version'], { allowFailure: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandNotFoundError);
    expect((err as CommandNotFoundError).exitCode).toBe(3);
  });

  it('start: waits for a line, then stop() ends the process', async () => {
    const runner = createExecaRunner({ secrets: new SecretRegistry() });
    const cmd = runner.start([node, '-e', 'setTimeout(() => console.log("Forwarding from 127.0.0.1:43210 -> 8200"), 100); setInterval(() => {}, 1000)']);
    const m = await cmd.waitForLine(/Forwarding from 127\.0\.0\.1:(\d+)/, 10_000);
    expect(m[1]).toBe('43210');
    await cmd.stop();
    await cmd.stop();
  });

  it('start: a command that exits before its line rejects with its output', async () => {
    const runner = createExecaRunner({ secrets: new SecretRegistry() });
    const cmd = runner.start([node, '-e', 'console.error("error: services \\"vault\\" not found"); process.exit(1)']);
    await expect(cmd.waitForLine(/Forwarding/, 10_000)).rejects.toThrow(/ended before it was ready/);
  });
});
