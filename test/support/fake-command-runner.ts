import type { CommandRunner, RunOptions, RunResult, RunningCommand } from '../../src/ports/command-runner.js';
import { CommandNotFoundError, commandFailed } from '../../src/ports/command-runner.js';
import { SecretRegistry } from '../../src/errors/redact.js';

/** A scripted answer: a result, `'ENOENT'` (program missing), or a function of argv. */
export type FakeReply = Partial<RunResult> | 'ENOENT' | ((argv: string[], opts: RunOptions) => Partial<RunResult> | 'ENOENT');

/** One call as the fake saw it. */
export interface FakeCall {
  argv: string[];
  input?: string;
  background?: boolean;
}

/**
 * A {@link CommandRunner} that runs nothing: it records argv and answers by the longest matching
 * argv prefix, ignoring `--context X` / `--kube-context X` (exit 0 with empty output when nothing matches). Failing replies throw like the
 * real runner (ExternalCommandError with redacted output; CommandNotFoundError for ENOENT).
 */
export class FakeCommandRunner implements CommandRunner {
  readonly calls: FakeCall[] = [];
  private readonly replies: { prefix: string[]; reply: FakeReply }[] = [];

  constructor(private readonly secrets: SecretRegistry = new SecretRegistry()) {}

  /** Answers commands starting with `prefix` (e.g. `['kind', 'get', 'clusters']`). Later calls win ties. */
  on(prefix: string[], reply: FakeReply): this {
    this.replies.unshift({ prefix, reply });
    return this;
  }

  async run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ argv: [...argv], input: opts.input });
    const reply = this.match(argv);
    const r = typeof reply === 'function' ? reply(argv, opts) : reply;
    if (r === 'ENOENT') throw new CommandNotFoundError(argv, this.secrets);
    const result: RunResult = { exitCode: r?.exitCode ?? 0, stdout: r?.stdout ?? '', stderr: r?.stderr ?? '' };
    if (result.exitCode !== 0 && !opts.allowFailure) throw commandFailed(argv, result, this.secrets);
    return result;
  }

  start(argv: string[]): RunningCommand {
    this.calls.push({ argv: [...argv], background: true });
    return {
      waitForLine: async (pattern: RegExp) => 'Forwarding from 127.0.0.1:18200 -> 8200'.match(pattern) ?? [''],
      stop: async () => {},
    };
  }

  /** The calls as `argv.join(' ')` lines. */
  lines(): string[] {
    return this.calls.map((c) => c.argv.join(' '));
  }

  private match(full: string[]): FakeReply | undefined {
    // Scripts name commands without the context flags every kubectl/helm call carries.
    const argv = full.filter((a, i) => !['--context', '--kube-context'].includes(a) && !['--context', '--kube-context'].includes(full[i - 1]));
    let best: { prefix: string[]; reply: FakeReply } | undefined;
    for (const r of this.replies) {
      if (r.prefix.length <= argv.length && r.prefix.every((p, i) => argv[i] === p) && (!best || r.prefix.length > best.prefix.length)) best = r;
    }
    return best?.reply;
  }
}
